// The program OpenSSH runs as SSH_ASKPASS, in plain sh: the packaged app has no Node to run (Electron's RunAsNode
// fuse is off), and a shell is everywhere OpenSSH is. It makes a reply FIFO of its own in the control folder, hands
// the question (hex, so that any text fits on one line) with the token from its environment (never its argv) to the
// master's request FIFO, and prints what hubtray writes back after "ok". Only this user can enter the folder.
export const askpassScript = `#!/bin/sh
reply=$(mktemp -u "\${HUBTRAY_ASKPASS_FIFO%/*}/reply.XXXXXXXX") || exit 1
mkfifo -m 600 "$reply" || exit 1
trap 'rm -f "$reply"' EXIT
question=$(printf '%s:%s' "\${SSH_ASKPASS_PROMPT:-}" "$1" | od -An -v -tx1 | tr -d ' \\n')
printf '%s %s %s\\n' "$HUBTRAY_ASKPASS_TOKEN" "\${reply##*/}" "$question" > "$HUBTRAY_ASKPASS_FIFO" || exit 1
{ IFS= read -r status && [ "$status" = ok ] && cat; } < "$reply"
`;
