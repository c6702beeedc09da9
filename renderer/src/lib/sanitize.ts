// html_message comes from remote systems (JupyterHub's progress events), so it is untrusted HTML. It is shown only
// after DOMPurify has reduced it to a small set of formatting tags: no script, no event handler, no style, no
// image (the CSP would block a remote one anyway), and links only to http(s), opened outside this page.
import DOMPurify from 'dompurify';

const allowedTags = ['a', 'b', 'br', 'code', 'em', 'i', 'kbd', 'li', 'ol', 'p', 'pre', 'small', 'span', 'strong', 'sub', 'sup', 'ul'];

export type Sanitize = (html: string) => string;

export function createSanitizer(window: Parameters<typeof DOMPurify>[0]): Sanitize {
  const purify = DOMPurify(window);
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName !== 'A') return;
    const href = node.getAttribute('href') ?? '';
    if (!/^https?:\/\//i.test(href)) node.removeAttribute('href');
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  });
  return (html) => purify.sanitize(html, { ALLOWED_TAGS: allowedTags, ALLOWED_ATTR: ['href', 'title'], ALLOW_DATA_ATTR: false });
}
