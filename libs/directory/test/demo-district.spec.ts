import { loadConfig } from '@edoc/config';
import { Directory } from '@edoc/directory';

// The seed is data the demo and the end-to-end suites rely on; these are the facts of DOMAIN.md.
describe('demo district seed (deploy/seed/demo-district.json)', () => {
  const directory = Directory.fromFile(loadConfig().directoryFile);
  const district = '000.00.13.H26';

  it('is the default directory file and has the district, 12 departments and 20 wards', () => {
    expect(loadConfig().directoryFile).toMatch(/deploy\/seed\/demo-district\.json$/);
    expect(directory.require(district)).toMatchObject({ name: 'Ủy ban nhân dân quận Hai Bà Trưng', abbreviation: 'UBND', kind: 'peoples-committee', placeName: 'Hai Bà Trưng' });
    expect(directory.list().filter((o) => o.kind === 'department')).toHaveLength(12);
    expect(directory.list().filter((o) => o.kind === 'ward')).toHaveLength(20);
    expect(directory.children(district)).toHaveLength(32);
  });

  it('names the departments as the district does, with their notation abbreviations', () => {
    const departments = directory.list().filter((o) => o.kind === 'department');
    expect(departments.map((o) => [o.code, o.name, o.abbreviation])).toEqual([
      ['000.01.13.H26', 'Văn phòng HĐND và UBND', 'VP'],
      ['000.02.13.H26', 'Phòng Nội vụ', 'NV'],
      ['000.03.13.H26', 'Phòng Tư pháp', 'TP'],
      ['000.04.13.H26', 'Phòng Tài chính - Kế hoạch', 'TCKH'],
      ['000.05.13.H26', 'Phòng Tài nguyên và Môi trường', 'TNMT'],
      ['000.06.13.H26', 'Phòng Quản lý đô thị', 'QLĐT'],
      ['000.07.13.H26', 'Phòng Văn hóa và Thông tin', 'VHTT'],
      ['000.08.13.H26', 'Phòng Lao động - Thương binh và Xã hội', 'LĐTBXH'],
      ['000.09.13.H26', 'Phòng Giáo dục và Đào tạo', 'GDĐT'],
      ['000.10.13.H26', 'Phòng Y tế', 'YT'],
      ['000.11.13.H26', 'Phòng Kinh tế', 'KT'],
      ['000.12.13.H26', 'Thanh tra quận', 'TTr'],
    ]);
  });

  it('has the 20 wards of 2019 with their place names', () => {
    const wards = directory.list().filter((o) => o.kind === 'ward');
    expect(wards.map((o) => o.placeName)).toEqual([
      'Bạch Đằng', 'Bách Khoa', 'Bạch Mai', 'Bùi Thị Xuân', 'Cầu Dền', 'Đống Mác', 'Đồng Nhân', 'Đồng Tâm', 'Lê Đại Hành', 'Minh Khai',
      'Ngô Thì Nhậm', 'Nguyễn Du', 'Phạm Đình Hổ', 'Phố Huế', 'Quỳnh Lôi', 'Quỳnh Mai', 'Thanh Lương', 'Thanh Nhàn', 'Trương Định', 'Vĩnh Tuy',
    ]);
    for (const ward of wards) {
      expect(ward).toMatchObject({ name: `Ủy ban nhân dân phường ${ward.placeName}`, abbreviation: 'UBND', parentCode: district });
      expect(ward.code).toMatch(/^000\.(3[1-9]|4\d|50)\.13\.H26$/);
    }
  });

  it('lets four wards run their own systems and serves everyone else from the built-in inbox', () => {
    expect(directory.wardSystems().map((o) => o.placeName)).toEqual(['Bách Khoa', 'Bạch Mai', 'Minh Khai', 'Vĩnh Tuy']);
    expect(directory.builtinUnits()).toHaveLength(29);
  });

  it('has recipient groups for all wards, all departments and both', () => {
    expect(directory.expandRecipients(['all-wards']).codes).toHaveLength(20);
    expect(directory.expandRecipients(['all-departments']).codes).toHaveLength(12);
    expect(directory.expandRecipients(['all-units', 'all-wards']).codes).toHaveLength(32);
  });

  it('says in its description that the codes are made up', async () => {
    const { readFile } = await import('node:fs/promises');
    const raw = JSON.parse(await readFile(loadConfig().directoryFile, 'utf8')) as { description: string };
    expect(raw.description).toMatch(/codes are MADE UP/);
  });
});
