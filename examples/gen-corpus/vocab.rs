//! Names and texts the corpus is made of. Only constants: what is drawn from them, and how
//! often, is decided in `advisory.rs` and `affected.rs`.

/// The family of the vendor's own software products.
pub(crate) const SW_FAMILY: &str = "Management software";

/// (family, id prefix, display name, model prefix, count); the rest of the 50 is `SOFTWARE`.
#[rustfmt::skip]
pub(crate) const FAMILIES: &[(&str, &str, &str, &str, usize)] = &[
    ("Routers", "router", "Router", "X", 10), ("Switches", "switch", "Switch", "S", 10),
    ("Firewalls", "firewall", "Firewall", "FX", 8), ("Wireless", "ap", "Access Point", "W", 8),
    ("Cameras", "camera", "Camera", "C", 6),
];
#[rustfmt::skip]
pub(crate) const SOFTWARE: &[(&str, &str)] = &[
    ("netmanager", "NetManager"), ("netmanager-agent", "NetManager Agent"),
    ("netmanager-mobile", "NetManager Mobile"), ("vpn-client", "Secure VPN Client"),
    ("cloud-portal", "Cloud Portal"), ("log-collector", "Log Collector"),
    ("auth-gateway", "Auth Gateway"), ("update-server", "Update Server"),
];
#[rustfmt::skip]
pub(crate) const COMPONENTS: &[&str] = &[
    "web management interface", "SSL VPN portal", "SNMP agent", "firmware update service",
    "REST API", "command-line interface", "DHCP server", "IPsec daemon", "syslog forwarder",
    "configuration backup feature", "captive portal", "RADIUS client", "LLDP daemon",
    "certificate enrolment service", "diagnostics page", "file transfer service",
];
pub(crate) const FIRST: &str = "Sofia Marek Priya Tomás Jane Ahmed Yuki Lena Carlos Olga Kwame Ingrid Mateo Aisha \
    Lukas Mei Daniel Fatima Jonas Nadia Pedro Hana Erik Chloé Ravi Zofia Omar Elena Kenji Amara \
    Felix Leila Björn Rosa Samuel Anika Diego Noor Pavel Grace";
pub(crate) const LAST: &str = "Lindqvist Nowak Raman Herrera Doe Haddad Tanaka Fischer Mendoza Ivanova Mensah \
    Berg Rossi Khan Weber Chen Cohen Benali Schmidt Petrova Silva Sato Larsen Dubois Iyer Kowalska \
    Farouk Popescu Nakamura Okafor Wagner Rahimi Johansson Ortega Nguyen Müller Castillo Aziz Novak";
#[rustfmt::skip]
pub(crate) const ORGS: &[&str] = &[
    "Baltic Offensive Research", "Cobalt Ridge University", "Northgate Security Labs",
    "Quartz Pentest GmbH", "Harbor Point CERT", "Redline Audit", "Blue Fjord Security",
];
#[rustfmt::skip]
pub(crate) const REVISION_NOTES: &[&str] = &[
    "Added fixed versions for further products", "Corrected the affected version ranges",
    "Updated the CVSS vectors after further analysis", "Added a workaround",
    "Added detection guidance", "Clarified the impact section",
];
/// Sentences for paragraphs: `{c}` component, `{p}` product, `{v}` versions, `{gain}` impact.
#[rustfmt::skip]
pub(crate) const SENTENCES: &[&str] = &[
    "The {c} of {p} does not sufficiently validate data it receives before using it.",
    "An attacker who can reach the {c} can send a crafted request that triggers the flaw.",
    "The affected code path is reachable in the default configuration of {p}.",
    "Successful exploitation allows the attacker to {gain}.",
    "Devices that expose the {c} only on a dedicated management network are at lower risk.",
    "Acme Networks is not aware of public exploit code or of active exploitation at the time of publication.",
    "The fixed release adds strict length and character checks and rejects malformed input with an error.",
    "Repeated failed requests in the log of the {c} can indicate attempts to probe for the vulnerability.",
    "The issue affects hardware appliances and virtual appliances alike.",
    "In clustered deployments every node must be upgraded, because each node runs its own {c}.",
    "The vulnerability was found during a review of the {c}; releases {v} are affected.",
    "Customers who cannot upgrade immediately should restrict access to the {c} to trusted hosts.",
    "No special privileges or user interaction are needed beyond network access to the {c}.",
    "Configuration data, including stored credentials, is at risk on an affected device.",
    "The root cause is a missing check on a length field that is taken from the request.",
    "Later releases in the same series contain the fix; no configuration change is needed after upgrading.",
    "Automated scanners on the internet have been seen looking for exposed instances of the {c}.",
    "Acme Networks recommends treating this update as a priority for internet-facing devices.",
];

/// A disclosure policy with a section for every topic `psirt-site check` looks for.
pub(crate) const POLICY: &str = "+++\ntitle = \"Vulnerability disclosure policy\"\n+++\n\n\
    Acme Networks welcomes reports from security researchers, customers and partners.\n\n\
    ## Scope\n\nAll hardware, firmware and software sold under the Acme Networks brand.\n\n\
    ## How to report\n\nEmail psirt@acme-networks.example, in English or German.\n\n\
    ## Encryption\n\nEncrypt reports that contain exploit code with our [OpenPGP key](/pgp/).\n\n\
    ## Our commitments\n\nWe answer within 2 business days and triage within 7 days.\n\n\
    ## Coordinated disclosure\n\nWe publish an advisory when a fix is available, within 90 days.\n\n\
    ## Safe harbor\n\nWe will not pursue legal action for good-faith research under this policy.\n\n\
    ## Credit\n\nWe credit reporters in the advisory and in our hall of fame, unless they decline.\n\n\
    ## CVE assignment\n\nAcme Networks is a CVE Numbering Authority for its own products.\n";

/// The `vers` scheme of each family's releases (`None`: the default, `generic`), so that the
/// catalog has products with and without a `scheme`.
#[rustfmt::skip]
pub(crate) const SCHEMES: &[(&str, Option<&str>)] = &[
    ("Routers", Some("semver")), ("Switches", Some("semver")), ("Firewalls", Some("semver")),
    ("Wireless", Some("intdot")), ("Cameras", None), (SW_FAMILY, Some("semver")),
];

/// Prefixes of the vendor's bug ids by product id prefix (`FXOS-41187`); software: `NMS`.
#[rustfmt::skip]
pub(crate) const BUG_PREFIXES: &[(&str, &str)] = &[
    ("router-", "RTOS"), ("switch-", "SWOS"), ("firewall-", "FXOS"), ("ap-", "WLOS"),
    ("camera-", "CAMFW"),
];

/// A third-party component built into the firmware of the appliances of some families.
pub(crate) struct ThirdParty {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) vendor: &'static str,
    pub(crate) purl: &'static str,
    pub(crate) scheme: &'static str,
    /// The families whose appliances ship it (`part_of` in the catalog).
    pub(crate) families: &'static [&'static str],
    /// What the vulnerabilities are in, for titles ("the OpenSSL library").
    pub(crate) feature: &'static str,
    /// A version is `<line><n><suffix>`: `3.0.16`, `1.36.2`, `9.8p1`.
    pub(crate) line: &'static str,
    pub(crate) suffix: &'static str,
}

#[rustfmt::skip]
pub(crate) const THIRD_PARTY: &[ThirdParty] = &[
    ThirdParty { id: "openssl", name: "OpenSSL", vendor: "OpenSSL Project", purl: "pkg:generic/openssl",
        scheme: "generic", families: &["Firewalls", "Routers"], feature: "OpenSSL library",
        line: "3.0.", suffix: "" },
    ThirdParty { id: "busybox", name: "BusyBox", vendor: "BusyBox", purl: "pkg:generic/busybox",
        scheme: "semver", families: &["Cameras", "Wireless"], feature: "BusyBox shell",
        line: "1.36.", suffix: "" },
    ThirdParty { id: "openssh", name: "OpenSSH", vendor: "OpenBSD Project", purl: "pkg:generic/openssh",
        scheme: "generic", families: &["Switches", "Routers"], feature: "OpenSSH server",
        line: "9.", suffix: "p1" },
];

/// CSAF 2.0 VEX justifications, the common ones first (drawn with `JUSTIFICATION_WEIGHTS`).
#[rustfmt::skip]
pub(crate) const JUSTIFICATIONS: &[&str] = &[
    "component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
    "inline_mitigations_already_exist", "vulnerable_code_cannot_be_controlled_by_adversary",
];
pub(crate) const JUSTIFICATION_WEIGHTS: &[u64] = &[45, 25, 15, 10, 5];

/// Impact statements of products known not to be affected: `{p}` product, `{c}` component.
#[rustfmt::skip]
pub(crate) const NOT_AFFECTED_IMPACTS: &[&str] = &[
    "{p} does not include the {c}.",
    "{p} is built without the affected code of the {c}.",
    "The {c} of {p} is only reachable from the local console, where an attacker gains nothing.",
    "{p} runs the {c} in a sandbox without network access, so the flaw cannot be reached.",
    "The firmware of {p} enables an input filter that rejects the requests needed to trigger the flaw.",
];

/// Details of exploitation in the wild: `{c}` component, `{p}` product.
#[rustfmt::skip]
pub(crate) const EXPLOITED: &[&str] = &[
    "Acme Networks is aware of attacks against internet-facing {p} devices through the {c}.",
    "A public exploit for the {c} is available and has been used against {p} devices.",
    "Partners have reported targeted exploitation of the {c} on {p} devices in several countries.",
];

/// The vendor's own ratings and their weights (`[vendor_severity]`).
pub(crate) const VENDOR_SEVERITIES: &[&str] = &["Critical", "High", "Medium", "Low"];
pub(crate) const VENDOR_SEVERITY_WEIGHTS: &[u64] = &[15, 40, 35, 10];
pub(crate) const VENDOR_SEVERITY_SCALE: &str = "https://acme-networks.example/psirt/security-impact-rating";
