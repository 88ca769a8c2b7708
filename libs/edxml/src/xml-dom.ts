import type { Xmldom, XmlDocument, XmlElement, XmlNode } from './dom-types';
import { createRequire } from 'node:module';
import { EDXML_NS, EDXML_PREFIX } from './namespaces';

const { DOMImplementation, DOMParser, XMLSerializer } = createRequire(__filename)('@xmldom/xmldom') as Xmldom;

/** Builds edXML elements, all in the edXML namespace with its usual prefix. */
export class EdxmlWriter {
  readonly doc: XmlDocument;

  constructor(rootName: string, extraNamespaces: Record<string, string> = {}) {
    this.doc = new DOMImplementation().createDocument(EDXML_NS, `${EDXML_PREFIX}:${rootName}`, null);
    const root = this.root;
    for (const [prefix, ns] of Object.entries(extraNamespaces)) root.setAttribute(`xmlns:${prefix}`, ns);
  }

  get root(): XmlElement {
    return this.doc.documentElement as XmlElement;
  }

  /** A child element; with text, a leaf holding it (the serializer escapes it). */
  add(parent: XmlElement, name: string, text?: string | number): XmlElement {
    const element = this.doc.createElementNS(EDXML_NS, `${EDXML_PREFIX}:${name}`);
    if (text !== undefined) element.appendChild(this.doc.createTextNode(String(text)));
    parent.appendChild(element);
    return element;
  }

  toString(): string {
    return serializeXml(this.doc);
  }
}

/** XmlElement children of an element, skipping text, comments and processing instructions. */
export function elementChildren(parent: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === 1) out.push(node as XmlElement);
  }
  return out;
}

/** Children in the edXML namespace with this local name. */
export function edxmlChildren(parent: XmlElement, name: string): XmlElement[] {
  return elementChildren(parent).filter((e) => e.namespaceURI === EDXML_NS && e.localName === name);
}

/**
 * Parses XML that has already been refused if it declares a DTD: the parser then has no entity of
 * its own to expand, only the five predefined ones and character references. Every complaint of
 * the parser, even one it would recover from, is a reason to refuse.
 */
export function parseXml(text: string): { doc?: XmlDocument; errors: string[] } {
  const errors: string[] = [];
  const record = (level: string) => (message: string) => errors.push(`${level}: ${String(message).split('\n')[0]}`);
  const parser = new DOMParser({ errorHandler: { warning: record('warning'), error: record('error'), fatalError: record('fatal error') } });
  let doc: XmlDocument | undefined;
  try {
    doc = parser.parseFromString(text, 'application/xml');
  } catch (error) {
    errors.push(error instanceof Error ? error.message : String(error));
  }
  return { doc: errors.length === 0 ? doc : undefined, errors };
}

export function serializeXml(doc: XmlDocument): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(doc as XmlNode)}`;
}
