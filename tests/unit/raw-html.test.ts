import { describe, expect, it } from 'vitest';
import { filterRawHtml } from '../../src/lib/markdown/raw-html';

describe('filterRawHtml', () => {
  it('keeps allowlisted tags without their attributes', () => {
    expect(
      filterRawHtml('<details open ontoggle="x()"><summary>More</summary>text</details>'),
    ).toBe('<details><summary>More</summary>text</details>');
    expect(filterRawHtml('<kbd class="k">Ctrl</kbd><br/>')).toBe('<kbd>Ctrl</kbd><br>');
  });

  it('shows every other tag as text', () => {
    expect(filterRawHtml('<img src=x onerror="alert(1)">')).toBe(
      '&lt;img src=x onerror="alert(1)"&gt;',
    );
    expect(filterRawHtml('<script>alert(1)</script>')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt;',
    );
    expect(filterRawHtml('<svg/onload=alert(1)>')).toBe('&lt;svg/onload=alert(1)&gt;');
  });

  it('drops comments and never lets an attribute through, even with quotes hiding a ">"', () => {
    expect(filterRawHtml('<!-- note --><span title="a>b" onclick="x">t</span>')).toBe(
      '<span>t</span>',
    );
    expect(filterRawHtml('<div style="background:url(https://x)">s</div>')).toBe('<div>s</div>');
  });
});
