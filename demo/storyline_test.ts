import assert from "node:assert/strict";
import { judgeStep, regionOf, schedule, type SessionRecord, STORYLINE } from "./storyline.ts";

const outage = STORYLINE[1]!;

Deno.test("judgeStep() passes when every settled session lands in the expected region", () => {
  const records: SessionRecord[] = [
    { startedAt: 100, node: "home-1" },
    { startedAt: 2000, node: "near-1" },
    { startedAt: 2500, node: "near-2" },
  ];
  assert.deepEqual(judgeStep(outage, records, 0, 3000), {
    ok: true,
    detail: "2/2 settled sessions in near, 0 failed connect(s)",
  });
});

Deno.test("judgeStep() fails on a failed connect or a settled session elsewhere", () => {
  assert.equal(
    judgeStep(
      outage,
      [{ startedAt: 2000, node: "near-1" }, { startedAt: 2100, node: undefined }],
      0,
      3000,
    ).ok,
    false,
  );
  const elsewhere = judgeStep(outage, [{ startedAt: 2000, node: "far-1" }], 0, 3000);
  assert.equal(elsewhere.ok, false);
  assert.match(elsewhere.detail, /1 elsewhere/);
  assert.equal(judgeStep(outage, [], 0, 3000).detail, "no sessions started after settling");
});

Deno.test("schedule() splits the storyline by weight and regionOf() reads node names", () => {
  assert.deepEqual(schedule(STORYLINE, 1000).map((s) => Math.round(s.end)), [200, 450, 800, 1000]);
  assert.equal(regionOf("far-2"), "far");
  assert.equal(regionOf("elsewhere"), undefined);
});

Deno.test("judgeStep() wants sessions moved back during the failback step", () => {
  const recovery = STORYLINE[2]!;
  const home: SessionRecord = { startedAt: 2500, node: "home-1" };
  assert.equal(judgeStep(recovery, [home], 0, 3000).ok, false);
  const moved: SessionRecord = {
    startedAt: -500,
    node: "near-1",
    endedAt: 1000,
    interrupted: true,
  };
  assert.deepEqual(judgeStep(recovery, [home, moved], 0, 3000), {
    ok: true,
    detail: "1/1 settled sessions in home, 1 moved back from near, 0 failed connect(s)",
  });
});
