//! Every vulnerability of an advisory is the subject of some `[[affected]]` statement.

use super::advisory::Affected;
use super::build::Builder;
use super::raw::RawAdvisory;
use crate::diag::Code;

impl Builder<'_> {
    /// A vulnerability that no `[[affected]]` entry is about would get an empty product
    /// status, which CSAF refuses (schema; test 6.1.27.7 for VEX): say so at the
    /// vulnerability, with the fix, rather than through the CSAF validator.
    pub(super) fn every_vulnerability_has_a_status(&mut self, raw: &RawAdvisory, entries: &[Affected]) {
        // Only when every entry was read (else its own error explains) and all are scoped.
        if entries.len() != raw.affected.len() || entries.iter().any(|a| a.vulnerabilities.is_none()) {
            return;
        }
        // One pass over the entries' lists, not one per vulnerability.
        let mut covered = vec![false; raw.vulnerabilities.len()];
        for &i in entries.iter().flat_map(|a| a.vulnerabilities.iter().flatten()) {
            if let Some(c) = covered.get_mut(i) {
                *c = true;
            }
        }
        for (v, _) in raw
            .vulnerabilities
            .iter()
            .zip(covered)
            .filter(|(v, c)| !c && v.products.is_none())
        {
            let name = v
                .cve
                .as_ref()
                .map_or_else(|| v.title.clone(), |c| c.get_ref().clone());
            let msg = format!(
                "no [[affected]] entry is about `{}`: its product status would be empty",
                name.escape_debug()
            );
            let help = "add it to the `vulnerabilities` list of the entries it concerns, or leave \
                        `vulnerabilities` out of an entry that is about every vulnerability";
            match &v.cve {
                Some(cve) => self.error(Code::MissingField, cve, msg, help),
                None => self.error(Code::MissingField, &raw.id, msg, help),
            }
        }
    }
}
