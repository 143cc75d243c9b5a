// Checks our WordPieceTokenizer against HuggingFace's own (Rust) tokenizer, the one sentence-transformers loads for
// all-MiniLM-L6-v2, through its Node.js binding from the npm registry:
//   dotnet run -c Release --project tests/MetaLlm.Embeddings.Local.Benchmarks -- tokenizers /work/shared/data/llmrouter-dcrouter --dump /tmp/tok
//   cd "$(mktemp -d)" && npm install tokenizers@0.23.2 && node /path/to/hf-reference.js /tmp/tok
// The tokenizer is built as the model's tokenizer.json declares it: BertNormalizer (clean_text, handle_chinese_chars,
// strip_accents null, lowercase), BertPreTokenizer, WordPiece (max 100 characters a word), and the five special tokens
// as added tokens that are matched before normalisation. The model's own vocabulary comes from the dump folder.
'use strict';
const fs = require('fs');
const path = require('path');
const { Tokenizer } = require(require.resolve('tokenizers', { paths: [process.cwd()] }));

const folder = process.argv[2];
if (!folder) {
  console.error('usage: node hf-reference.js <folder written by "tokenizers ... --dump">');
  process.exit(2);
}

const vocabulary = {};
fs.readFileSync(path.join(folder, 'vocab.txt'), 'utf8').split('\n').forEach((token, id) => {
  if (token.length > 0 && !(token in vocabulary)) vocabulary[token] = id;
});
const special = (id, content) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
const tokenizer = Tokenizer.fromString(JSON.stringify({
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: [special(0, '[PAD]'), special(100, '[UNK]'), special(101, '[CLS]'), special(102, '[SEP]'), special(103, '[MASK]')],
  normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  post_processor: null,
  decoder: null,
  model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: vocabulary },
}));

(async () => {
  const lines = fs.readFileSync(path.join(folder, 'texts.jsonl'), 'utf8').split('\n').filter((line) => line.length > 0);
  let differ = 0;
  for (const line of lines) {
    const { text, ids } = JSON.parse(line);
    const encoding = await tokenizer.encode(text, null, { addSpecialTokens: false });
    const reference = Array.from(encoding.getIds());
    if (reference.length !== ids.length || reference.some((id, i) => id !== ids[i])) {
      differ++;
      if (differ <= 20) {
        console.log(`${JSON.stringify(text.slice(0, 80))}\n  ours ${JSON.stringify(ids.slice(0, 16))}\n  hf   ${JSON.stringify(reference.slice(0, 16))} ${JSON.stringify(encoding.getTokens().slice(0, 16))}`);
      }
    }
  }
  console.log(`${lines.length} texts, ${differ} differ from HuggingFace's tokenizer`);
})();
