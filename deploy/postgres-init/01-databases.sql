-- Run once by the postgres image on an empty data directory (/docker-entrypoint-initdb.d).
-- One database per service: IC_DB_PREFIX (ic) + '_' + service. The migrate job creates the tables.
CREATE DATABASE ic_org;
CREATE DATABASE ic_budget;
CREATE DATABASE ic_approval;
CREATE DATABASE ic_procurement;
CREATE DATABASE ic_contract;
CREATE DATABASE ic_payment;
CREATE DATABASE ic_risk;
CREATE DATABASE ic_accounting;
