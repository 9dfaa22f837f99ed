//! The weaknesses the generated vulnerabilities are drawn from: many CWEs, from CWE 1.0's
//! classics to ones added in the 2020s, each usable in every year. CSAF 2.0 names come from
//! one CWE list whatever an advisory's date (`src/model/cwe.rs`), so a wide list exercises
//! the name lookup and CSAF test 6.1.11 on every kind of entry. Every id is a weakness of
//! CWE 4.17 that is neither deprecated nor prohibited for mapping, so the corpus checks
//! without errors or warnings. Add a row to add a weakness; nothing else needs to change.

/// One CWE with the texts and CVSS impacts of a vulnerability of its kind.
pub(crate) struct Weakness {
    pub(crate) cwe: &'static str,
    /// Short kind for titles ("SQL injection").
    pub(crate) kind: &'static str,
    /// What an attacker gains, after "an attacker could".
    pub(crate) gain: &'static str,
    /// CVSS confidentiality, integrity and availability impacts, e.g. "HHN".
    pub(crate) cia: &'static str,
    pub(crate) user_interaction: bool,
    pub(crate) scope_changed: bool,
}

const fn w(cwe: &'static str, kind: &'static str, gain: &'static str, cia: &'static str) -> Weakness {
    Weakness {
        cwe,
        kind,
        gain,
        cia,
        user_interaction: false,
        scope_changed: false,
    }
}

/// `w` for a weakness an attacker exploits through a user (a click, a visited page).
const fn ui(cwe: &'static str, kind: &'static str, gain: &'static str, cia: &'static str) -> Weakness {
    Weakness {
        user_interaction: true,
        scope_changed: true,
        ..w(cwe, kind, gain, cia)
    }
}

/// Most frequent first: vulnerabilities draw them with a Zipf distribution, so the common
/// classes dominate as in real advisories and every row still appears in a 1k corpus.
#[rustfmt::skip]
pub(crate) const WEAKNESSES: &[Weakness] = &[
    ui("CWE-79", "Stored cross-site scripting", "run script in an administrator's browser", "LLN"),
    w("CWE-89", "SQL injection", "read or modify the configuration database", "HHN"),
    w("CWE-78", "OS command injection", "execute arbitrary commands as root", "HHH"),
    w("CWE-787", "Out-of-bounds write", "corrupt memory and possibly execute code", "HHH"),
    w("CWE-22", "Path traversal", "read arbitrary files from the file system", "HNN"),
    w("CWE-287", "Authentication bypass", "log in without valid credentials", "HHH"),
    ui("CWE-352", "Cross-site request forgery", "make an administrator change settings unknowingly", "NHN"),
    w("CWE-306", "Missing authentication", "change the configuration without logging in", "LHL"),
    w("CWE-798", "Hard-coded credentials", "log in with an undocumented service account", "HHH"),
    w("CWE-20", "Improper input validation", "make the service restart repeatedly", "NLH"),
    w("CWE-125", "Out-of-bounds read", "read memory contents such as session keys", "HNL"),
    w("CWE-416", "Use after free", "crash the service or execute code", "HHH"),
    w("CWE-200", "Information disclosure", "obtain credentials and other sensitive data", "HNN"),
    w("CWE-400", "Resource exhaustion", "make the device unresponsive until it is restarted", "NNH"),
    w("CWE-120", "Buffer overflow", "crash the service or execute code", "HHH"),
    w("CWE-434", "Unrestricted file upload", "upload and run a web shell", "HHH"),
    w("CWE-862", "Missing authorization", "use administrative functions as a read-only user", "HHN"),
    w("CWE-918", "Server-side request forgery", "reach internal services through the device", "HLN"),
    w("CWE-502", "Deserialization of untrusted data", "execute code through a crafted session object", "HHH"),
    w("CWE-611", "XML external entity injection", "read local files through XML entities", "HNL"),
    w("CWE-77", "Command injection", "run commands through the diagnostics tools", "HHH"),
    w("CWE-863", "Incorrect authorization", "change settings reserved to administrators", "LHN"),
    w("CWE-476", "NULL pointer dereference", "crash the service with a malformed packet", "NNH"),
    w("CWE-190", "Integer overflow", "corrupt memory through an oversized length field", "HHH"),
    w("CWE-94", "Code injection", "run arbitrary code in the management process", "HHH"),
    w("CWE-269", "Improper privilege management", "raise a local account to administrator", "HHH"),
    w("CWE-276", "Incorrect default permissions", "read and replace configuration files", "HHN"),
    w("CWE-295", "Improper certificate validation", "intercept management traffic", "HHN"),
    w("CWE-319", "Cleartext transmission", "read credentials sent over the network", "HNN"),
    w("CWE-327", "Broken cryptographic algorithm", "decrypt captured VPN traffic", "HNN"),
    w("CWE-330", "Insufficiently random values", "predict session tokens", "HLN"),
    w("CWE-307", "Missing brute-force protection", "guess passwords without being locked out", "HHN"),
    ui("CWE-601", "Open redirect", "send users to a phishing site through a trusted link", "LLN"),
    w("CWE-384", "Session fixation", "take over an administrator's session", "HHN"),
    w("CWE-613", "Insufficient session expiration", "reuse a session after logout", "HLN"),
    w("CWE-639", "Insecure direct object reference", "read other tenants' device records", "HNN"),
    w("CWE-732", "Incorrect permission assignment", "modify files used by the root account", "HHN"),
    w("CWE-770", "Allocation without limits", "exhaust the device's memory", "NNH"),
    w("CWE-772", "Missing release of resource", "exhaust file handles until the service stops", "NNH"),
    w("CWE-401", "Memory leak", "exhaust memory with repeated requests", "NNH"),
    w("CWE-415", "Double free", "corrupt the heap and possibly execute code", "HHH"),
    w("CWE-362", "Race condition", "bypass a permission check by racing two requests", "HHN"),
    w("CWE-134", "Format string", "read memory or crash the service", "HLH"),
    w("CWE-259", "Hard-coded password", "log in with a password shared by all devices", "HHH"),
    w("CWE-321", "Hard-coded cryptographic key", "decrypt configuration backups", "HNN"),
    w("CWE-326", "Inadequate encryption strength", "decrypt captured traffic offline", "HNN"),
    w("CWE-347", "Improper signature verification", "install modified firmware", "HHH"),
    w("CWE-345", "Insufficient verification of data authenticity", "inject forged update metadata", "LHN"),
    w("CWE-522", "Insufficiently protected credentials", "recover stored passwords", "HNN"),
    w("CWE-532", "Sensitive data in log files", "read passwords from the system log", "HNN"),
    w("CWE-311", "Missing encryption of sensitive data", "read stored secrets from the flash memory", "HNN"),
    w("CWE-426", "Untrusted search path", "run a planted library with elevated rights", "HHH"),
    w("CWE-427", "Uncontrolled search path element", "load a planted DLL into the client", "HHH"),
    w("CWE-252", "Unchecked return value", "leave the device in an inconsistent state", "NLH"),
    w("CWE-88", "Argument injection", "pass extra options to system tools", "HHN"),
    w("CWE-91", "XML injection", "alter the meaning of stored XML documents", "LHN"),
    w("CWE-113", "HTTP response splitting", "inject headers into responses", "LLN"),
    w("CWE-917", "Expression language injection", "evaluate expressions on the server", "HHH"),
    w("CWE-943", "NoSQL injection", "read records of other users", "HHN"),
    ui("CWE-1021", "Clickjacking", "trick an administrator into clicking hidden controls", "NLN"),
    w("CWE-1188", "Insecure default initialization", "use services left open by the factory settings", "HHN"),
    w("CWE-1236", "CSV formula injection", "run formulas in an administrator's spreadsheet", "LLN"),
    w("CWE-1284", "Improper validation of a specified quantity", "crash the parser with a negative count", "NNH"),
    w("CWE-1321", "Prototype pollution", "change the behaviour of the web console", "LHN"),
    w("CWE-1333", "Inefficient regular expression", "stall request processing with a crafted string", "NNH"),
    w("CWE-1336", "Server-side template injection", "execute code through a crafted template", "HHH"),
    w("CWE-1390", "Weak authentication", "authenticate with a guessable token", "HHN"),
    w("CWE-1392", "Default credentials", "log in with the factory password", "HHH"),
    w("CWE-1393", "Default password", "log in to the maintenance account", "HHH"),
    w("CWE-1191", "Debug interface without access control", "open a debug shell on the device", "HHH"),
    w("CWE-1240", "Risky cryptographic primitive", "forge signed messages", "LHN"),
];
