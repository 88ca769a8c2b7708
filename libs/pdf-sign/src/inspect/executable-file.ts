/**
 * Whether an embedded file is a program or a script, from what the PDF says of it and from its
 * first bytes. Macro-enabled Office files count: their macros run like any script.
 */
const EXTENSIONS = new Set([
  'exe', 'dll', 'com', 'scr', 'pif', 'cpl', 'msi', 'msp', 'msc', 'bat', 'cmd', 'ps1', 'psm1', 'vbs', 'vbe', 'js', 'jse', 'mjs', 'wsf', 'wsh', 'hta',
  'jar', 'class', 'sh', 'bash', 'zsh', 'csh', 'app', 'lnk', 'reg', 'inf', 'apk', 'deb', 'rpm', 'dmg', 'pkg', 'elf', 'so', 'dylib', 'run', 'bin',
  'py', 'pyc', 'pl', 'rb', 'php', 'docm', 'dotm', 'xlsm', 'xltm', 'xlam', 'pptm', 'potm', 'ppam', 'sldm',
]);
const MEDIA_TYPE_HINTS = ['msdownload', 'msdos-program', 'x-executable', 'x-dosexec', 'portable-executable', 'x-sharedlib', 'x-mach-binary', 'x-msi', 'x-ms-installer', 'x-sh', 'shellscript', 'javascript', 'ecmascript', 'java-archive', 'x-java', 'vbscript', 'x-bat', 'x-python', 'x-perl', 'x-php', 'macroenabled'];
const MAGIC: [string, Buffer][] = [
  ['a Windows program (MZ)', Buffer.from('MZ')],
  ['an ELF program', Buffer.from([0x7f, 0x45, 0x4c, 0x46])],
  ['a Mach-O program', Buffer.from([0xcf, 0xfa, 0xed, 0xfe])],
  ['a Mach-O program', Buffer.from([0xce, 0xfa, 0xed, 0xfe])],
  ['a Mach-O or Java program', Buffer.from([0xca, 0xfe, 0xba, 0xbe])],
  ['a script (#!)', Buffer.from('#!')],
];

export function executableBecause(name: string | undefined, mediaType: string | undefined, head: Buffer | undefined): string | undefined {
  const ext = name && /\.([A-Za-z0-9]{1,8})$/.exec(name.trim())?.[1]?.toLowerCase();
  if (ext && EXTENSIONS.has(ext)) return `its name ends in .${ext}`;
  const type = mediaType?.toLowerCase();
  const hint = type && MEDIA_TYPE_HINTS.find((h) => type.includes(h));
  if (hint) return `its media type is ${mediaType}`;
  const magic = head && MAGIC.find(([, m]) => head.length >= m.length && head.subarray(0, m.length).equals(m));
  if (magic) return `its content is ${magic[0]}`;
  return undefined;
}
