-- Run once by the postgres image on an empty data directory (docker-compose): one role and one database per
-- service. Each service connects as its own role, which owns its database and nothing else: no superuser, cannot
-- create databases or roles, and cannot connect to the other service's database. Each service migrates its own
-- schema with Flyway on start, as that owner. The passwords come from the postgres container's environment
-- (docker-compose.yml); an unset one stops this script (\getenv needs psql 15, as in postgres:15).
\getenv identity_password PLANSYNC_IDENTITY_DB_PASSWORD
\getenv payments_password PLANSYNC_PAYMENTS_DB_PASSWORD

create role plansync_identity login nosuperuser nocreatedb nocreaterole password :'identity_password';
create role plansync_payments login nosuperuser nocreatedb nocreaterole password :'payments_password';

create database plansync_identity;
create database plansync_payments;
alter database plansync_identity owner to plansync_identity;
alter database plansync_payments owner to plansync_payments;

-- Only the owner (and the superuser) may connect.
revoke all on database plansync_identity from public;
revoke all on database plansync_payments from public;
