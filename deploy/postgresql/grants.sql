-- The privileges of matcher's two PostgreSQL roles on its database: the owner, which
-- `matcher db upgrade` runs as (the tables are its own), and the service role, which every
-- matcher-*.service runs as and which may read and write rows but change no structure.
--
-- Run as a superuser once the roles exist and the database is created OWNER the owner role,
-- before `matcher db upgrade` fills it (or pg_restore, restoring into a new database):
--   psql -v ON_ERROR_STOP=1 -v owner=matcher_owner -v service=matcher -v database=matcher \
--        -f grants.sql
\connect :"database"

REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"database" TO :"service";

ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"service";

-- The tables there are now, and those the owner's migrations create later.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"service";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"service";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"service";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"service";
