import rules

# Only administrators (User.is_superuser is the admin role) read who looked at what; nobody
# edits it.  Written without importing accounts, which itself records into the audit log.
rules.add_perm("audit.view_auditevent", rules.is_superuser)
