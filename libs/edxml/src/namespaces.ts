/** The edXML namespace of QCVN 102:2016, written with the prefix the samples use. */
export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const EDXML_PREFIX = 'edXML';
export const XLINK_NS = 'http://www.w3.org/1999/xlink';
export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
