-- Run once by the postgres image on an empty data directory (docker-compose): one database per service.
-- Each service migrates its own schema with Flyway on start.
create database plansync_identity;
create database plansync_payments;
