"""API permissions by role; the rows (and parts of rows) each caller gets come from app.policy.

Students have no API: their contracts are on their own pages. Every API role reads the OpenAPI
document; people also get its browser view (Swagger UI).
"""
from app import roles as R

API_PEOPLE = (R.DETU, R.TEACHER, R.COUNSELLOR, R.REGISTRAR, R.REFERENT)

PERMISSIONS = {
    role: [("ContractApi", "can_read"), ("OpenApi", "can_get"), ("SwaggerView", "can_show")]
    for role in API_PEOPLE
}
PERMISSIONS[R.API_READER] = [("ContractApi", "can_read"), ("OpenApi", "can_get")]
