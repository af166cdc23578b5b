import { groupedCount } from "../../src/output/count.js";

describe("groupedCount", () => {
  test.each([
    [0, "0"],
    [999, "999"],
    [1000, "1,000"],
    [10000, "10,000"],
    [262144, "262,144"],
    [1234567, "1,234,567"],
  ])("%d is written %s", (count, text) => {
    expect(groupedCount(count)).toBe(text);
  });
});
