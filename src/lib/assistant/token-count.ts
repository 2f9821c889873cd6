// Counting prompt tokens before anything is sent. An engine that exposes its tokenizer gives an
// exact count (`counterFrom`); otherwise `utf8UpperBound` gives a count that is never below the
// real one for the tokenizers local chat models use, so a prompt planned with it always fits.
//
// Why UTF-8 bytes bound the token count:
// - Byte-level BPE (GPT-2 style: Llama 3, Qwen, SmolLM) starts from one token per byte and every
//   merge joins two tokens into one, so tokens ≤ bytes. Text that spells a special token
//   (`<|im_end|>`) becomes one token for several bytes: fewer, not more.
// - SentencePiece with byte fallback (Llama 2, Mistral, Gemma) makes each character one piece
//   or falls back to its UTF-8 bytes, then merges; a space becomes `▁` (still one symbol for one
//   byte). The one addition is the `▁` prefix put before each run of text: +1 per message, which
//   `messageOverheadTokens` pays.
// - Some tokenizers normalize first, and normalization can lengthen text: NFC turns U+0958 (क़,
//   3 bytes) into क + ◌़ (6), NFKC turns U+FDFA (3 bytes) into 33. So the bound is the largest of
//   the raw, NFC and NFKC byte lengths.

export interface TokenCounter {
  /** Tokens `text` costs inside a message, not counting the chat template around it. */
  count(text: string): number;
  /** True when counted by the model's own tokenizer, false for an upper bound. */
  exact: boolean;
}

/**
 * Tokens the chat template adds around each message, counted at one token per byte of template
 * text plus one per special token, for the templates Hearth's engines run:
 * - ChatML (Qwen, SmolLM): `<|im_start|>` + role (≤ 9 bytes, "assistant") + `\n` ... `<|im_end|>` + `\n` = 13;
 * - Llama 3: `<|start_header_id|>` + role (≤ 9) + `<|end_header_id|>` + `\n\n` ... `<|eot_id|>` = 14;
 * - Mistral v1 (plain-text tags): ` [INST] ` ... ` [/INST]` = 15, and `</s>` after an answer;
 * - Gemma: `<start_of_turn>` + role (≤ 5) + `\n` ... `<end_of_turn>` + `\n` = 9; Phi-3: 4.
 * The largest is 15, +1 for SentencePiece's `▁` prefix: 16; 20 leaves room for a template we
 * have not read. A few tokens per turn is cheap next to a 2k+ window.
 */
export const messageOverheadTokens = 20;

/**
 * Tokens added once per prompt: the beginning-of-text token, the header that opens the answer
 * (`<|start_header_id|>assistant<|end_header_id|>\n\n`, 14), and text some templates write into
 * the system message themselves (Llama 3.1/3.2: "Cutting Knowledge Date: December 2023\nToday
 * Date: 26 Jul 2024\n\n", 62 bytes). 1 + 14 + 62 = 77, rounded up.
 */
export const promptOverheadTokens = 96;

const encoder = new TextEncoder();
/** Any character outside ASCII; text without one is counted by its length. */
const nonAscii = /[^\p{ASCII}]/u;

function utf8Bytes(text: string): number {
  // encodeInto into a scratch buffer would avoid the copy; prompts are small enough not to care.
  return encoder.encode(text).length;
}

/** UTF-8 bytes of `text`, or of its NFC / NFKC form when that is longer (see the header). */
export const utf8UpperBound: TokenCounter = {
  exact: false,
  count(text: string): number {
    if (!nonAscii.test(text)) return text.length;
    return Math.max(
      utf8Bytes(text),
      utf8Bytes(text.normalize('NFC')),
      utf8Bytes(text.normalize('NFKC')),
    );
  },
};

/** Wraps a model's own tokenizer (text → token count); a count that is not a whole number ≥ 0 throws. */
export function counterFrom(countTokens: (text: string) => number): TokenCounter {
  return {
    exact: true,
    count(text: string): number {
      const tokens = countTokens(text);
      if (!Number.isSafeInteger(tokens) || tokens < 0) {
        throw new TypeError(`A tokenizer returned ${String(tokens)} tokens; expected a count ≥ 0.`);
      }
      return tokens;
    },
  };
}

/**
 * The counter to plan a prompt for a model: its own tokenizer when the caller has one that counts
 * synchronously, else the UTF-8 upper bound. (Both engines keep their tokenizer inside the model
 * worker, so today the chat plans with the bound; a prompt planned with it always fits.)
 */
export function counterFor(countTokens?: ((text: string) => number) | null): TokenCounter {
  return countTokens ? counterFrom(countTokens) : utf8UpperBound;
}
