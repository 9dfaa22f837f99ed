#!/usr/bin/env python3
"""Writes the psirt-site site that scripts/bench-import builds: one advisory with 150
vulnerabilities and 1,000 products, so that the CSAF document psirt-site builds from it is
valid by construction (the build validates it) and about 10 MB.

    scripts/bench-import-gen.py SITE_DIR [--products N] [--vulnerabilities N]

Deterministic (no randomness): the same arguments give the same site. Each product has one
`[[affected]]` entry (a range and its fix); each vulnerability concerns 200 of the
products (psirt-site allows 100,000 product relations per advisory), with a description,
a details note, a note listing its products and their fixed releases, three references, a CVSS v3.1 vector, a
CWE, two vendor fixes (each for half its products) with dates and URLs, a workaround,
and an impact threat. The text is realistic prose of realistic length, not filler bytes.
"""

import argparse
import os

SITE_TOML = """allow_example_domains = true
title = "Bench PSIRT"
base_url = "https://psirt.bench.example"

[publisher]
name = "Bench Corp PSIRT"
namespace = "https://bench.example"

[contact]
email = "psirt@bench.example"
"""

FAMILIES = ["Routers", "Switches", "Firewalls", "Access Points", "Controllers",
            "Gateways", "Cameras", "Sensors", "Storage", "Management Software"]
CWES = ["CWE-79", "CWE-89", "CWE-787", "CWE-20", "CWE-125", "CWE-78", "CWE-416",
        "CWE-22", "CWE-352", "CWE-434", "CWE-862", "CWE-476", "CWE-287", "CWE-190"]
VECTORS = [
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N",
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:L/I:L/A:N",
    "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
]
COMPONENTS = ["web management interface", "SNMP agent", "firmware update service",
              "SSH server", "REST API", "VPN daemon", "packet parser", "logging service"]

DESCRIPTION = (
    "A flaw in the {component} of the affected products allows {who} to {what}. The "
    "{component} does not sufficiently validate the length and content of fields in "
    "requests it receives before copying them into internal buffers and passing them to "
    "subsequent processing stages. By sending a crafted request, an attacker can trigger "
    "the flaw without any interaction from a legitimate user. Successful exploitation "
    "could {impact}. Devices that expose the {component} only on a dedicated management "
    "network are at lower risk, but the default configuration of several product lines "
    "enables it on all interfaces."
)
DETAILS = (
    "Bench Corp PSIRT learned of this vulnerability through its coordinated disclosure "
    "program. The issue was reproduced on all listed release trains in the default "
    "configuration. Exploitation requires network access to the {component}. Bench Corp "
    "is not aware of any public exploit code or of exploitation in the wild at the time "
    "of publication. Customers should review the affected versions for each product "
    "below, apply the fixed release for their release train, and follow the hardening "
    "guide to restrict access to management services to trusted hosts only."
)


def products_toml(n):
    out = ["# The product catalog of the import benchmark (scripts/bench-import)."]
    for i in range(n):
        out.append(f"""
[[products]]
id = "prod-{i:04d}"
name = "Bench {FAMILIES[i % 10][:-1] if FAMILIES[i % 10].endswith('s') else FAMILIES[i % 10]} {1000 + i}"
vendor = "Bench Corp"
family = "{FAMILIES[i % 10]}"
scheme = "semver"
cpe = "cpe:2.3:h:bench:model_{1000 + i}:*:*:*:*:*:*:*:*"
""")
    return "".join(out)


def fixed_version(i):
    return f"{2 + i % 5}.{i % 17}.{3 + i % 11}"


def affected(n):
    out = []
    for i in range(n):
        fixed = fixed_version(i)
        out.append(f"""
[[affected]]
product = "prod-{i:04d}"
versions = ">= {1 + i % 5}.0.0, < {fixed}"
fixed = "{fixed}"
""")
    return "".join(out)


def quoted(items):
    return "[" + ", ".join(f'"{x}"' for x in items) + "]"


def fixed_table(products):
    """The per-product text CISA-style advisories carry: one line per product."""
    lines = []
    for p in products:
        i = int(p.split("-")[1])
        lines.append(f"- Bench model {1000 + i} ({FAMILIES[i % 10]}): all versions from "
                     f"{1 + i % 5}.0.0 before {fixed_version(i)} are affected; update to "
                     f"{fixed_version(i)} or later.")
    return "\n".join(lines)


def vulnerability(v, n_products, per_vuln):
    start = (v * 37) % n_products
    products = [f"prod-{(start + k) % n_products:04d}" for k in range(per_vuln)]
    half = per_vuln // 2
    component = COMPONENTS[v % len(COMPONENTS)]
    who = "an unauthenticated remote attacker" if v % 3 else "an authenticated attacker with low privileges"
    what = ["execute arbitrary code", "read sensitive configuration data",
            "cause a denial of service", "bypass authentication"][v % 4]
    impact = ["allow the attacker to take full control of the device",
              "expose credentials stored in the configuration",
              "cause the device to restart repeatedly",
              "allow the attacker to change the device configuration"][v % 4]
    day = 1 + v % 28
    text = f"""
[[vulnerabilities]]
cve = "CVE-2026-{20000 + v}"
title = "{what.capitalize()} in the {component} ({v + 1})"
cwe = "{CWES[v % len(CWES)]}"
cvss_v3 = "{VECTORS[v % len(VECTORS)]}"
discovery_date = 2026-01-{day:02d}
release_date = 2026-02-{day:02d}
products = {quoted(products)}
description = "{DESCRIPTION.format(component=component, who=who, what=what, impact=impact)}"
[[vulnerabilities.notes]]
category = "details"
title = "Technical details"
text = "{DETAILS.format(component=component)}"
[[vulnerabilities.notes]]
category = "other"
title = "Affected products and fixed releases"
text = '''
{fixed_table(products)}'''
[[vulnerabilities.references]]
url = "https://bench.example/psirt/kb/{v + 1:05d}"
summary = "Knowledge base article {v + 1} with configuration guidance"
[[vulnerabilities.references]]
url = "https://www.cve.org/CVERecord?id=CVE-2026-{20000 + v}"
summary = "CVE-2026-{20000 + v}"
[[vulnerabilities.references]]
url = "https://bench.example/hardening-guide"
summary = "Bench Corp hardening guide"
[[vulnerabilities.remediations]]
category = "vendor_fix"
details = "Update to the fixed release of your release train, listed per product in the affected products table. The update is available from the Bench Corp support portal; customers without a support contract can request it from the PSIRT."
url = "https://bench.example/support/downloads"
date = 2026-02-{day:02d}
products = {quoted(products[:half])}
[[vulnerabilities.remediations]]
category = "vendor_fix"
details = "Update to the fixed release of your release train. For these products the update must be installed through the central management software, which must itself be updated first."
url = "https://bench.example/support/central-management"
date = 2026-02-{day:02d}
products = {quoted(products[half:])}
[[vulnerabilities.remediations]]
category = "workaround"
details = "Restrict access to the {component} to trusted management hosts with an access control list, or disable the {component} where it is not needed. The workaround does not remove the vulnerability."
[[vulnerabilities.threats]]
category = "impact"
details = "Successful exploitation could {impact}."
"""
    return text


def advisory(n_products, n_vulns, per_vuln):
    head = f"""+++
id = "BENCH-2026-0001"
title = "Multiple vulnerabilities in Bench Corp network products"
published = 2026-02-10T09:00:00Z
status = "final"
summary = "Bench Corp has released updates for {n_products} products that fix {n_vulns} vulnerabilities, some of which allow remote code execution."

[[revisions]]
date = 2026-02-10T09:00:00Z
summary = "Initial public release"
"""
    body = """+++
## Details

This advisory collects the vulnerabilities fixed in the February 2026 maintenance
releases of Bench Corp network products. Each vulnerability lists the products it concerns.
"""
    vulns = "".join(vulnerability(v, n_products, per_vuln) for v in range(n_vulns))
    return head + affected(n_products) + vulns + body


def main():
    p = argparse.ArgumentParser()
    p.add_argument("site")
    p.add_argument("--products", type=int, default=1000)
    p.add_argument("--vulnerabilities", type=int, default=150)
    p.add_argument("--per-vulnerability", type=int, default=200)
    a = p.parse_args()
    os.makedirs(os.path.join(a.site, "content/advisories/2026"), exist_ok=True)
    with open(os.path.join(a.site, "site.toml"), "w") as f:
        f.write(SITE_TOML)
    with open(os.path.join(a.site, "content/products.toml"), "w") as f:
        f.write(products_toml(a.products))
    with open(os.path.join(a.site, "content/advisories/2026/BENCH-2026-0001.md"), "w") as f:
        f.write(advisory(a.products, a.vulnerabilities, min(a.per_vulnerability, a.products)))


if __name__ == "__main__":
    main()
