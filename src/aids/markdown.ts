/**
 * The safe markdown subset aid text may use: **bold**, *italic*, `code`, [links](https://…)
 * (http, https and mailto only), "- " bullet lists and blank-line paragraphs. Parsing yields
 * a small tree that views render as elements and text: nothing is ever parsed as HTML.
 */

export type Inline =
  | { t: 'text'; v: string }
  | { t: 'code'; v: string }
  | { t: 'strong'; c: Inline[] }
  | { t: 'em'; c: Inline[] }
  | { t: 'link'; href: string; c: Inline[] };

export type Block = { t: 'p'; c: Inline[] } | { t: 'ul'; items: Inline[][] };

const SAFE_HREF = /^(https?:\/\/|mailto:)/i;

/** Parses inline markup; anything that is not well-formed stays literal text. */
export function parseInline(src: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ t: 'text', v: text });
    text = '';
  };
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === '\\' && i + 1 < src.length) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      const end = src.indexOf('`', i + 1);
      if (end > i + 1) {
        flush();
        out.push({ t: 'code', v: src.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (ch === '*' && src[i + 1] === '*') {
      const end = src.indexOf('**', i + 2);
      if (end > i + 2) {
        flush();
        out.push({ t: 'strong', c: parseInline(src.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    // _emphasis_ only at word edges, so snake_case names stay literal.
    const wordEdge = ch !== '_' || !/\w/.test(src[i - 1] ?? '');
    if ((ch === '*' || ch === '_') && wordEdge) {
      const end = src.indexOf(ch, i + 1);
      const closes = ch !== '_' || !/\w/.test(src[end + 1] ?? '');
      if (end > i + 1 && src[i + 1] !== ' ' && closes) {
        flush();
        out.push({ t: 'em', c: parseInline(src.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (ch === '[') {
      const close = src.indexOf('](', i + 1);
      const end = close > 0 ? src.indexOf(')', close + 2) : -1;
      if (close > i && end > close) {
        const href = src.slice(close + 2, end).trim();
        if (SAFE_HREF.test(href)) {
          flush();
          out.push({ t: 'link', href, c: parseInline(src.slice(i + 1, close)) });
          i = end + 1;
          continue;
        }
      }
    }
    text += ch;
    i++;
  }
  flush();
  return out;
}

/** Parses aid text into paragraphs and bullet lists. */
export function parseMarkdown(src: string): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  let list: Inline[][] | null = null;
  const endPara = () => {
    if (para.length) blocks.push({ t: 'p', c: parseInline(para.join(' ')) });
    para = [];
  };
  const endList = () => {
    if (list) blocks.push({ t: 'ul', items: list });
    list = null;
  };
  for (const raw of src.split(/\r?\n/)) {
    const line = raw.trim();
    const item = /^[-*] +(.*)$/.exec(line);
    if (item) {
      endPara();
      list ??= [];
      list.push(parseInline(item[1]!));
    } else if (!line) {
      endPara();
      endList();
    } else {
      endList();
      para.push(line);
    }
  }
  endPara();
  endList();
  return blocks;
}

function inlineText(nodes: Inline[]): string {
  return nodes.map((n) => ('v' in n ? n.v : inlineText(n.c))).join('');
}

/** The text a screen reader should hear: markup removed, whitespace collapsed. */
export function plainText(src: string): string {
  return parseMarkdown(src)
    .map((b) => (b.t === 'p' ? inlineText(b.c) : b.items.map(inlineText).join('; ')))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}
