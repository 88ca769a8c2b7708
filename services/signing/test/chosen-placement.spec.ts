import { parsePlacement, placementProblems } from '../src/domain/chosen-placement';

describe('the place a signer chooses for the signature', () => {
  it('is page, x, y, width and height in points, each within bounds', () => {
    expect(parsePlacement(undefined)).toEqual({ problems: [] });
    expect(parsePlacement({ page: 1, x: 300, y: 100, width: 200, height: 72 })).toEqual({ placement: { page: 1, x: 300, y: 100, width: 200, height: 72 }, problems: [] });
    expect(parsePlacement({ page: 0, x: -1, y: 100, width: 20, height: 72 }).problems).toEqual(['placement.page: a number from 1 to 100000', 'placement.x: a number from 0 to 14400', 'placement.width: a number from 60 to 600']);
    expect(parsePlacement({ page: 1.5, x: 1, y: 1, width: 100, height: 40 }).problems).toEqual(['placement.page: a whole page number, 1 for the first']);
    expect(parsePlacement('bottom right').problems).toHaveLength(1);
  });

  it('may not leave the page or cover a line of its text', () => {
    const page = { width: 595, height: 842, lines: [{ text: 'Nơi nhận:', xMin: 60, yMin: 500, xMax: 120, yMax: 514 }] };
    expect(placementProblems({ page: 1, x: 300, y: 100, width: 200, height: 72 }, page)).toEqual([]);
    expect(placementProblems({ page: 1, x: 450, y: 100, width: 200, height: 72 }, page)).toEqual(['placement: the box ends outside the page (595 × 842 pt)']);
    // The line sits 328 to 342 pt above the bottom.
    expect(placementProblems({ page: 1, x: 100, y: 300, width: 100, height: 40 }, page)).toEqual(['placement: the box covers text of the page ("Nơi nhận:"); choose free space']);
  });
});
