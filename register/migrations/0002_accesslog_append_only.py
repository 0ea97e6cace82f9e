from django.db import migrations

# The access log is evidence (DPA 2018 s.62): the database itself refuses to
# change or remove a row, whatever the application or a console user tries.
# TRUNCATE stays possible for the test runner's table flush; production roles
# should not hold TRUNCATE on this table.
FORWARD = """
CREATE FUNCTION register_accesslog_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'register_accesslog is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER register_accesslog_append_only
    BEFORE UPDATE OR DELETE ON register_accesslog
    FOR EACH ROW EXECUTE FUNCTION register_accesslog_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS register_accesslog_append_only ON register_accesslog;
DROP FUNCTION IF EXISTS register_accesslog_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
