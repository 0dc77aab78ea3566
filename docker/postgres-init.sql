-- Run once by the postgres image on a new data volume (docker-entrypoint-initdb.d), as the
-- superuser: the roles of README "Privileges". Change the passwords before exposing anything.
CREATE ROLE bss_owner LOGIN PASSWORD 'bss_owner_password' CREATEROLE;
CREATE DATABASE bss OWNER bss_owner;
CREATE ROLE bss_app LOGIN PASSWORD 'bss_app_password' NOINHERIT;
