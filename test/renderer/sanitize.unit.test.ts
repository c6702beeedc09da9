// html_message from remote systems is untrusted: what survives the sanitizer is formatting and http(s) links.
// The same check runs against the real renderer in Chromium in ui.e2e.test.ts; here, a table of hostile inputs.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { createSanitizer } from '../../renderer/src/lib/sanitize.js';

const sanitize = createSanitizer(new JSDOM('').window as unknown as Parameters<typeof createSanitizer>[0]);

describe('html_message sanitizer', () => {
  it.each([
    ['<img src=x onerror="alert(1)">', ''],
    ['<script>alert(1)</script>ok', 'ok'],
    ['<b onclick="alert(1)">bold</b>', '<b>bold</b>'],
    ['<svg><script>alert(1)</script></svg>', ''],
    ['<iframe src="https://evil.example"></iframe>', ''],
    ['<style>body{display:none}</style>text', 'text'],
    ['<span style="position:fixed;inset:0">x</span>', '<span>x</span>'],
    ['<form action="https://evil.example"><input name=p></form>', ''],
    ['<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>', ''],
    ['<p data-x="1" id="a" class="b">para</p>', '<p>para</p>'],
  ])('removes what can run or restyle the page: %s', (input, output) => {
    expect(sanitize(input)).toBe(output);
  });

  it('keeps formatting, and links only to http(s), opened outside the page without an opener', () => {
    expect(sanitize('Pulling <code>image</code>: <em>42%</em><br>done')).toBe('Pulling <code>image</code>: <em>42%</em><br>done');
    expect(sanitize('<a href="https://jupyter.org/" title="docs">docs</a>')).toBe('<a href="https://jupyter.org/" title="docs" target="_blank" rel="noopener noreferrer">docs</a>');
    for (const href of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'file:///etc/passwd']) {
      expect(sanitize(`<a href="${href}">x</a>`)).toBe('<a target="_blank" rel="noopener noreferrer">x</a>');
    }
  });
});
