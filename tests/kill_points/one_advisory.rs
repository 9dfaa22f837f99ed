//! Kills during a rebuild of one changed advisory, at seeded random times, staged file
//! counts and the swap.

use super::*;

/// A small deterministic generator (xorshift64*), so the random kill times are the same
/// in every run.
struct Seeded(u64);

impl Seeded {
    /// A number in [0, 1).
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One advisory changes, the previous output in place (the rebuild may redo only what
/// changed). Kills at seeded random times within the duration of a first such build, at
/// staged file counts, and at the swap; a kill before the swap leaves every file of the
/// previous output the same file (inode and mtime too).
#[test]
fn killing_a_one_advisory_rebuild_anywhere_leaves_one_whole_output() {
    // Each rebuild changes the advisory the rebuild before it left alone, so the files it
    // writes are ones the previous output kept from the output before (and may share
    // with a spare tree): AA → BA → BB → AB → AA.
    let (first, second) = (ADVISORIES / 3, 2 * ADVISORIES / 3);
    let both = |a, b| Content::all('A').with(first, a).with(second, b);
    let mut r = Rebuilds::new(vec![
        both('A', 'A'),
        both('B', 'A'),
        both('B', 'B'),
        both('A', 'B'),
    ]);
    let files = r.changed_files();
    let (landed, first) = r.rebuild(Trigger::Never);
    assert_eq!(landed, Landed::Finished);
    let duration = first.elapsed;

    let mut random = Seeded(0x5EED_0018_C0FF_EE11);
    let mut timed_kills = 0;
    for _ in 0..2 * MID_BUILD_KILLS {
        let at = duration.mul_f64(0.02 + 0.96 * random.unit());
        let (_, run) = r.rebuild(Trigger::At(at));
        timed_kills += usize::from(run.killed);
        if timed_kills == MID_BUILD_KILLS {
            break;
        }
    }
    for k in spread(8, files) {
        r.rebuild(Trigger::Files(k));
    }
    for _ in 0..2 {
        r.rebuild(Trigger::Swap);
    }
    let tally = r.finish();
    eprintln!("one advisory changed, {files} files to write, first rebuild {duration:?}: {tally:?}");
    assert!(
        timed_kills >= MID_BUILD_KILLS,
        "{timed_kills} random kills landed mid-build: {tally:?}"
    );
    assert!(tally.mid_build() >= MID_BUILD_KILLS, "{tally:?}");
}
