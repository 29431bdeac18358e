"""Audit-log reads."""

TOOL_HISTORY = """
SELECT a.at, a.actor, a.entity, a.entity_id, a.action, a.summary, a.before_json, a.after_json
FROM audit_log a
WHERE (a.entity = 'tool' AND a.entity_id = :id)
   OR (a.entity = 'integration' AND a.entity_id IN (
        SELECT i.id FROM integrations i WHERE i.source_id = :id OR i.target_id = :id))
ORDER BY a.at DESC, a.id DESC
LIMIT :limit
"""

RECENT = """
SELECT a.at, a.actor, a.entity, a.entity_id, a.action, a.summary, a.before_json, a.after_json
FROM audit_log a
ORDER BY a.at DESC, a.id DESC
LIMIT :limit
"""
