//! The `[[affected]]` statements of an advisory, as a network-equipment vendor writes them:
//! its own products (some in several release trains, with fixed-only statements for trains
//! that shipped with the fix), third-party components on its appliances, and VEX statements
//! that say which products are not affected and why.

use crate::model::{Affected, Product, Versions};
use crate::rng::Rng;
use crate::vocab::{JUSTIFICATION_WEIGHTS, JUSTIFICATIONS, NOT_AFFECTED_IMPACTS, THIRD_PARTY};

/// The vendor's own products (the catalog without the third-party components).
fn own(products: &[Product]) -> Vec<&Product> {
    products.iter().filter(|p| p.third_party.is_none()).collect()
}

/// A known-affected statement of one release train `<major>.<minor>`, with its fix.
fn train(rng: &mut Rng, p: &Product, minor: i64) -> Affected {
    let (major, patch) = (p.major, rng.range(1, 12));
    let fixed = format!("{major}.{minor}.{patch}");
    let versions = Versions::Range(format!(">= {major}.{minor}.0, < {fixed}"));
    Affected::new(p, Some(versions), Some(fixed), "known_affected")
}

/// A fixed product in two or three release trains, each with its range and fix; in 40 % of
/// cases also a fixed-only statement for the next train, which shipped with the fix.
fn trains(rng: &mut Rng, p: &Product, out: &mut Vec<Affected>) {
    let mut minor = rng.range(0, 3);
    for _ in 0..2 + rng.weighted(&[70, 30]) {
        out.push(train(rng, p, minor));
        minor += rng.range(1, 3);
    }
    if rng.percent(40) {
        let fixed = format!("{}.{minor}.0", p.major);
        out.push(Affected::new(p, None, Some(fixed), "fixed"));
    }
}

/// One own product's statements; the first product of an advisory is always affected.
fn statements(rng: &mut Rng, p: &Product, first: bool, feature: &str, out: &mut Vec<Affected>) {
    let (major, minor, patch) = (p.major, rng.range(0, 9), rng.range(1, 12));
    let fixed = format!("{major}.{minor}.{patch}");
    let versions = Some(match rng.below(3) {
        0 => Versions::Range(format!("< {fixed}")),
        1 => Versions::Range(format!(">= {major}.{minor}.0, < {fixed}")),
        _ => Versions::One(format!("{major}.{minor}.{}", patch - 1)),
    });
    match (first, rng.below(100)) {
        (false, 0..=6) => out.push(not_affected(rng, p, None, feature)),
        (false, 7..=14) => out.push(Affected::new(p, versions, None, "under_investigation")),
        (_, 15..=24) => out.push(Affected::new(p, versions, None, "known_affected")),
        _ if rng.percent(if first { 35 } else { 10 }) => trains(rng, p, out),
        _ => out.push(Affected::new(p, versions, Some(fixed), "known_affected")),
    }
}

/// A known-not-affected statement, with a justification, an impact statement or both (a
/// plain one in an advisory 40 % of the time; a VEX statement, `vex` = its component, needs
/// one of them).
fn not_affected(rng: &mut Rng, p: &Product, vex: Option<Option<usize>>, feature: &str) -> Affected {
    let mut x = Affected::new(p, None, None, "known_not_affected");
    let Some(component) = vex.or_else(|| rng.percent(60).then_some(None)) else {
        return x;
    };
    // A train before the component was added is the usual reason for a range here.
    if rng.percent(20) {
        x.versions = Some(Versions::Range(format!(">= {}.0.0, < {}.2.0", p.major, p.major)));
    }
    let absent = component.is_some_and(|c| !THIRD_PARTY[c].families.contains(&p.family));
    let justification = match absent {
        true => "component_not_present",
        false => JUSTIFICATIONS[rng.weighted(JUSTIFICATION_WEIGHTS)],
    };
    let with_justification = rng.percent(75);
    x.justification = with_justification.then_some(justification);
    if !with_justification || rng.percent(40) {
        let text = rng.pick(NOT_AFFECTED_IMPACTS);
        x.impact = Some(text.replace("{p}", &p.name).replace("{c}", feature));
    }
    x
}

/// 1–4 own products, mostly of one family.
pub(crate) fn ordinary(rng: &mut Rng, products: &[Product], feature: &str) -> Vec<Affected> {
    let own = own(products);
    let first = own[rng.below(own.len())];
    let family: Vec<&Product> = own.iter().copied().filter(|p| p.family == first.family).collect();
    let mut chosen = vec![first];
    for _ in 0..rng.weighted(&[50, 30, 15, 5]) {
        let same_family = rng.percent(85);
        let p = *rng.pick(if same_family { &family } else { &own });
        if !chosen.iter().any(|c| c.id == p.id) {
            chosen.push(p);
        }
    }
    let mut out = Vec::new();
    for (i, p) in chosen.into_iter().enumerate() {
        statements(rng, p, i == 0, feature, &mut out);
    }
    out
}

/// A third-party component on one to three of the appliances that ship it, each a
/// component-on-platform statement; most platforms also get their own firmware statements.
pub(crate) fn component(rng: &mut Rng, products: &[Product], third_party: usize) -> Vec<Affected> {
    let t = &THIRD_PARTY[third_party];
    let c = products
        .iter()
        .find(|p| p.third_party == Some(third_party))
        .expect("in the catalog");
    let mut platforms: Vec<&Product> = Vec::new();
    for _ in 0..=rng.weighted(&[50, 35, 15]) {
        let p = &products[*rng.pick(&c.part_of)];
        if !platforms.iter().any(|q| q.id == p.id) {
            platforms.push(p);
        }
    }
    let n = rng.range(2, 30);
    let fixed = format!("{}{n}{}", t.line, t.suffix);
    let range = match rng.percent(60) {
        true => format!("< {fixed}"),
        false => format!(">= {}0{}, < {fixed}", t.line, t.suffix),
    };
    let mut out = Vec::new();
    for p in &platforms {
        let mut x = Affected::new(
            c,
            Some(Versions::Range(range.clone())),
            Some(fixed.clone()),
            "known_affected",
        );
        x.platform = Some((p.id.clone(), p.name.clone()));
        out.push(x);
    }
    for p in platforms {
        if rng.percent(70) {
            match rng.percent(30) {
                true => trains(rng, p, &mut out),
                false => {
                    let minor = rng.range(0, 9);
                    out.push(train(rng, p, minor));
                }
            }
        }
    }
    out
}

/// A VEX statement: none, one or two own products affected (some with an older train that
/// is not), perhaps one under investigation, and two to six known not to be affected.
pub(crate) fn vex(
    rng: &mut Rng,
    products: &[Product],
    third_party: Option<usize>,
    feature: &str,
) -> Vec<Affected> {
    let own = own(products);
    let mut chosen: Vec<&Product> = Vec::new();
    let (n_affected, investigating) = (rng.weighted(&[30, 50, 20]), rng.percent(20));
    let n_not = rng.range(2, 6) as usize;
    while chosen.len() < n_affected + usize::from(investigating) + n_not {
        let p = own[rng.below(own.len())];
        if !chosen.iter().any(|c| c.id == p.id) {
            chosen.push(p);
        }
    }
    let mut out = Vec::new();
    for (i, p) in chosen.into_iter().enumerate() {
        if i < n_affected {
            let minor = rng.range(1, 6);
            out.push(train(rng, p, minor));
            if rng.percent(25) {
                let mut older = not_affected(rng, p, Some(third_party), feature);
                older.versions = Some(Versions::Range(format!(">= {0}.0.0, < {0}.{minor}.0", p.major)));
                out.push(older);
            }
        } else if i < n_affected + usize::from(investigating) {
            out.push(Affected::new(p, None, None, "under_investigation"));
        } else {
            out.push(not_affected(rng, p, Some(third_party), feature));
        }
    }
    out
}
