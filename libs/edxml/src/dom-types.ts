/**
 * The part of the DOM this library uses. @xmldom/xmldom's own typings pull the browser's DOM
 * library into the whole program (and change fetch's types everywhere), so it is loaded through
 * these instead.
 */
export interface XmlNodeList<T> {
  readonly length: number;
  readonly [index: number]: T;
}

export interface XmlNode {
  readonly nodeType: number;
  readonly firstChild: XmlNode | null;
  readonly nextSibling: XmlNode | null;
  readonly parentNode: XmlNode | null;
  readonly childNodes: XmlNodeList<XmlNode>;
  readonly textContent: string | null;
  readonly namespaceURI: string | null;
  readonly localName: string | null;
  appendChild(node: XmlNode): XmlNode;
}

export interface XmlElement extends XmlNode {
  getAttribute(name: string): string | null;
  getAttributeNS(namespace: string, localName: string): string | null;
  setAttribute(name: string, value: string): void;
  setAttributeNS(namespace: string, qualifiedName: string, value: string): void;
  getElementsByTagNameNS(namespace: string, localName: string): XmlNodeList<XmlElement>;
}

export interface XmlDocument extends XmlNode {
  readonly documentElement: XmlElement | null;
  createElementNS(namespace: string, qualifiedName: string): XmlElement;
  createTextNode(text: string): XmlNode;
  getElementsByTagNameNS(namespace: string, localName: string): XmlNodeList<XmlElement>;
}

interface ErrorHandler {
  warning(message: string): void;
  error(message: string): void;
  fatalError(message: string): void;
}

export interface Xmldom {
  DOMImplementation: new () => { createDocument(namespace: string, qualifiedName: string, doctype: null): XmlDocument };
  DOMParser: new (options: { errorHandler: ErrorHandler }) => { parseFromString(text: string, mimeType: string): XmlDocument };
  XMLSerializer: new () => { serializeToString(node: XmlNode): string };
}
