"""Configuration as code: roles (grants, field rules, permissions, allowed departments),
sharing and restriction rules, approval policies, conflicting role pairs and the workflow
settings as one versioned YAML or JSON document (`format: vouch-config/1`).

Export writes the live state deterministically, naming departments by path, users by
username and roles by key. Import reads a document as the desired state of everything it
covers: a dry run lists what would be added, changed or removed (field by field) and
every problem with its path; an apply makes exactly that change in one serialised
transaction, audited item by item, or nothing at all. The format: docs/config-as-code.md.
"""

from vouch.configcode.service import apply_config, diff_config, export_config

__all__ = ["apply_config", "diff_config", "export_config"]
