"""API permissions by role; the rows each caller gets come from app.policy."""
from app import roles as R

PERMISSIONS = {
    role: [("ContractApi", "can_read")]
    for role in (R.DETU, R.TEACHER, R.COUNSELLOR, R.REGISTRAR, R.REFERENT)
}
