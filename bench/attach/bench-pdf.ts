// The PDF the attachment bench reads, generated at bench time with the test fixtures' writer
// (tests/fixtures/pdf-writer.ts, as tests/fixtures/make-pdf.ts uses it): pages of a report, each a
// heading, paragraphs of mixed English, accented Latin and numbers, and a small table, in the
// standard Helvetica font (no glyph data); one page in Cyrillic, Greek and Japanese through a
// Type0 font whose ToUnicode CMap maps each glyph to its character, like make-pdf's sample.
// Streams are not compressed and nothing is embedded, so a real PDF of the same text is smaller
// on disk and costs pdf.js a little more (inflate, font programs).
import { PdfWriter, pdfString } from '../../tests/fixtures/pdf-writer';
import { addUnicodeFont, textAt as line } from '../../tests/fixtures/make-pdf';

const WORDS = (
  'the of garden water report season soil harvest greenhouse café naïve façade über Straße ' +
  'señor 2026 12.5 kg 38 % beds evening tomato bean rye compost seedlings March April weather ' +
  'budget invoice total meeting notes project deadline review draft résumé coöperate déjà vu'
).split(' ');

const NON_LATIN = [
  'Привет, мир: отчёт о саде за весну',
  'Καλημέρα κόσμε, η αναφορά του κήπου',
  '日本語のテキストです。庭の報告書。',
  '東京の天気は晴れです',
];

/** Deterministic words (a small LCG): the same PDF on every run. */
function wordSource(seed: number): () => string {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return WORDS[(state >>> 8) % WORDS.length]!;
  };
}

function reportPage(n: number, next: () => string): string[] {
  const ops = [line('F1', 16, 72, 740, pdfString(`Section ${n}: garden and budget report`))];
  let y = 712;
  for (let paragraph = 0; paragraph < 3; paragraph++) {
    for (let l = 0; l < 11; l++, y -= 14) {
      let text = '';
      while (text.length < 78) text += `${next()} `;
      ops.push(line('F1', 11, 72, y, pdfString(text.trimEnd())));
    }
    y -= 14;
  }
  const rows = [
    ['Item', 'Amount', 'Note'],
    [`Seeds ${n}`, `${(n * 7) % 90} EUR`, next()],
    [`Tools ${n}`, `${(n * 13) % 120} EUR`, next()],
  ];
  rows.forEach((row, r) =>
    row.forEach((cell, c) => ops.push(line('F1', 11, 72 + c * 150, y - r * 16, pdfString(cell)))),
  );
  return ops;
}

/** `pageCount` report pages; the middle one is in Cyrillic, Greek and Japanese instead. */
export function makeBenchPdf(pageCount: number): Uint8Array {
  const pdf = new PdfWriter();
  const helvetica = pdf.add(
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  );
  const unicode = addUnicodeFont(pdf, NON_LATIN.join(''));
  const resources = pdf.add(`<< /Font << /F1 ${helvetica} 0 R /F2 ${unicode.font} 0 R >> >>`);
  const tree = pdf.reserve();
  const next = wordSource(0x5eed);
  const nonLatinPage = Math.ceil(pageCount / 2);
  const kids: number[] = [];
  for (let n = 1; n <= pageCount; n++) {
    const ops =
      n === nonLatinPage
        ? NON_LATIN.map((text, i) => line('F2', 14, 72, 720 - i * 24, unicode.encode(text)))
        : reportPage(n, next);
    const content = pdf.add('<< >>', ops.join('\n'));
    kids.push(
      pdf.add(
        `<< /Type /Page /Parent ${tree} 0 R /MediaBox [0 0 612 792] /Resources ${resources} 0 R` +
          ` /Contents ${content} 0 R >>`,
      ),
    );
  }
  pdf.set(
    tree,
    `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`,
  );
  const root = pdf.add(`<< /Type /Catalog /Pages ${tree} 0 R >>`);
  const info = pdf.add(`<< /Title ${pdfString('Hearth attachment bench')} >>`);
  return pdf.build(root, { info });
}

export { NON_LATIN };
