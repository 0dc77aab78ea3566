-- Each tenant as if alone (docs/contract.md §10). A trusted definition's session searches
-- `tenant_<hex>, bss_catalog, pg_catalog, bss_extensions`, so an unqualified catalog name in its
-- DDL, a DO block or a function it runs (`SELECT 1 FROM pg_constraint WHERE conname = 'x'`)
-- resolves to a view here, which shows only the objects of the current schema (the tenant's), of
-- PostgreSQL itself, of bss_extensions and of the session's own temporary schema. Without them
-- such a guard sees every other tenant's objects and silently skips its DDL on every tenant
-- after the first. information_schema needs nothing: it shows only what the current role may use.
-- A name qualified with pg_catalog still reads the whole catalog (the lint warns of it).

-- The namespaces a tenant's session sees. Not pinned to a search_path: current_schema() is the caller's.
CREATE OR REPLACE FUNCTION bss_catalog.visible_namespaces() RETURNS oid[]
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT pg_catalog.array_agg(n.oid) FROM pg_catalog.pg_namespace n
  WHERE n.nspname OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog', 'information_schema', 'bss_extensions', pg_catalog.current_schema()]::name[])
     OR n.oid OPERATOR(pg_catalog.=) pg_catalog.pg_my_temp_schema()
$fn$;
CREATE OR REPLACE FUNCTION bss_catalog.visible_schema_names() RETURNS name[]
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT pg_catalog.array_agg(n.nspname) FROM pg_catalog.pg_namespace n
  WHERE n.oid OPERATOR(pg_catalog.=) ANY (bss_catalog.visible_namespaces())
$fn$;

-- Catalogs with a namespace of their own. `(SELECT ...)::oid[]` makes the list an InitPlan: computed once per query.
CREATE OR REPLACE VIEW bss_catalog.pg_namespace AS SELECT * FROM pg_catalog.pg_namespace WHERE oid = ANY ((SELECT bss_catalog.visible_namespaces())::oid[]);
CREATE OR REPLACE VIEW bss_catalog.pg_class AS SELECT * FROM pg_catalog.pg_class WHERE relnamespace = ANY ((SELECT bss_catalog.visible_namespaces())::oid[]);
CREATE OR REPLACE VIEW bss_catalog.pg_type AS SELECT * FROM pg_catalog.pg_type WHERE typnamespace = ANY ((SELECT bss_catalog.visible_namespaces())::oid[]);
CREATE OR REPLACE VIEW bss_catalog.pg_proc AS SELECT * FROM pg_catalog.pg_proc WHERE pronamespace = ANY ((SELECT bss_catalog.visible_namespaces())::oid[]);
CREATE OR REPLACE VIEW bss_catalog.pg_constraint AS SELECT * FROM pg_catalog.pg_constraint WHERE connamespace = ANY ((SELECT bss_catalog.visible_namespaces())::oid[]);
CREATE OR REPLACE VIEW bss_catalog.pg_operator AS SELECT * FROM pg_catalog.pg_operator WHERE oprnamespace = ANY ((SELECT bss_catalog.visible_namespaces())::oid[]);
CREATE OR REPLACE VIEW bss_catalog.pg_opclass AS SELECT * FROM pg_catalog.pg_opclass WHERE opcnamespace = ANY ((SELECT bss_catalog.visible_namespaces())::oid[]);
CREATE OR REPLACE VIEW bss_catalog.pg_opfamily AS SELECT * FROM pg_catalog.pg_opfamily WHERE opfnamespace = ANY ((SELECT bss_catalog.visible_namespaces())::oid[]);
CREATE OR REPLACE VIEW bss_catalog.pg_collation AS SELECT * FROM pg_catalog.pg_collation WHERE collnamespace = ANY ((SELECT bss_catalog.visible_namespaces())::oid[]);
CREATE OR REPLACE VIEW bss_catalog.pg_conversion AS SELECT * FROM pg_catalog.pg_conversion WHERE connamespace = ANY ((SELECT bss_catalog.visible_namespaces())::oid[]);
CREATE OR REPLACE VIEW bss_catalog.pg_extension AS SELECT * FROM pg_catalog.pg_extension WHERE extnamespace = ANY ((SELECT bss_catalog.visible_namespaces())::oid[]);
CREATE OR REPLACE VIEW bss_catalog.pg_statistic_ext AS SELECT * FROM pg_catalog.pg_statistic_ext WHERE stxnamespace = ANY ((SELECT bss_catalog.visible_namespaces())::oid[]);
CREATE OR REPLACE VIEW bss_catalog.pg_ts_config AS SELECT * FROM pg_catalog.pg_ts_config WHERE cfgnamespace = ANY ((SELECT bss_catalog.visible_namespaces())::oid[]);
CREATE OR REPLACE VIEW bss_catalog.pg_ts_dict AS SELECT * FROM pg_catalog.pg_ts_dict WHERE dictnamespace = ANY ((SELECT bss_catalog.visible_namespaces())::oid[]);

-- Catalogs of a relation's parts: only those of the visible relations.
-- Every column but attmissingval, whose pseudo-type (anyarray) a view cannot hold.
CREATE OR REPLACE VIEW bss_catalog.pg_attribute AS
  SELECT attrelid, attname, atttypid, attstattarget, attlen, attnum, attndims, attcacheoff, atttypmod, attbyval, attalign,
         attstorage, attcompression, attnotnull, atthasdef, atthasmissing, attidentity, attgenerated, attisdropped, attislocal,
         attinhcount, attcollation, attacl, attoptions, attfdwoptions
  FROM pg_catalog.pg_attribute WHERE attrelid IN (SELECT oid FROM bss_catalog.pg_class);
CREATE OR REPLACE VIEW bss_catalog.pg_attrdef AS SELECT * FROM pg_catalog.pg_attrdef WHERE adrelid IN (SELECT oid FROM bss_catalog.pg_class);
CREATE OR REPLACE VIEW bss_catalog.pg_index AS SELECT * FROM pg_catalog.pg_index WHERE indexrelid IN (SELECT oid FROM bss_catalog.pg_class);
CREATE OR REPLACE VIEW bss_catalog.pg_trigger AS SELECT * FROM pg_catalog.pg_trigger WHERE tgrelid IN (SELECT oid FROM bss_catalog.pg_class);
CREATE OR REPLACE VIEW bss_catalog.pg_rewrite AS SELECT * FROM pg_catalog.pg_rewrite WHERE ev_class IN (SELECT oid FROM bss_catalog.pg_class);
CREATE OR REPLACE VIEW bss_catalog.pg_policy AS SELECT * FROM pg_catalog.pg_policy WHERE polrelid IN (SELECT oid FROM bss_catalog.pg_class);
CREATE OR REPLACE VIEW bss_catalog.pg_inherits AS SELECT * FROM pg_catalog.pg_inherits WHERE inhrelid IN (SELECT oid FROM bss_catalog.pg_class);
CREATE OR REPLACE VIEW bss_catalog.pg_sequence AS SELECT * FROM pg_catalog.pg_sequence WHERE seqrelid IN (SELECT oid FROM bss_catalog.pg_class);
CREATE OR REPLACE VIEW bss_catalog.pg_partitioned_table AS SELECT * FROM pg_catalog.pg_partitioned_table WHERE partrelid IN (SELECT oid FROM bss_catalog.pg_class);
CREATE OR REPLACE VIEW bss_catalog.pg_enum AS SELECT * FROM pg_catalog.pg_enum WHERE enumtypid IN (SELECT oid FROM bss_catalog.pg_type);
CREATE OR REPLACE VIEW bss_catalog.pg_range AS SELECT * FROM pg_catalog.pg_range WHERE rngtypid IN (SELECT oid FROM bss_catalog.pg_type);

-- PostgreSQL's own views by schema name.
CREATE OR REPLACE VIEW bss_catalog.pg_tables AS SELECT * FROM pg_catalog.pg_tables WHERE schemaname = ANY ((SELECT bss_catalog.visible_schema_names())::name[]);
CREATE OR REPLACE VIEW bss_catalog.pg_views AS SELECT * FROM pg_catalog.pg_views WHERE schemaname = ANY ((SELECT bss_catalog.visible_schema_names())::name[]);
CREATE OR REPLACE VIEW bss_catalog.pg_matviews AS SELECT * FROM pg_catalog.pg_matviews WHERE schemaname = ANY ((SELECT bss_catalog.visible_schema_names())::name[]);
CREATE OR REPLACE VIEW bss_catalog.pg_indexes AS SELECT * FROM pg_catalog.pg_indexes WHERE schemaname = ANY ((SELECT bss_catalog.visible_schema_names())::name[]);
CREATE OR REPLACE VIEW bss_catalog.pg_sequences AS SELECT * FROM pg_catalog.pg_sequences WHERE schemaname = ANY ((SELECT bss_catalog.visible_schema_names())::name[]);
CREATE OR REPLACE VIEW bss_catalog.pg_policies AS SELECT * FROM pg_catalog.pg_policies WHERE schemaname = ANY ((SELECT bss_catalog.visible_schema_names())::name[]);
CREATE OR REPLACE VIEW bss_catalog.pg_stat_all_tables AS SELECT * FROM pg_catalog.pg_stat_all_tables WHERE schemaname = ANY ((SELECT bss_catalog.visible_schema_names())::name[]);
CREATE OR REPLACE VIEW bss_catalog.pg_stat_user_tables AS SELECT * FROM pg_catalog.pg_stat_user_tables WHERE schemaname = ANY ((SELECT bss_catalog.visible_schema_names())::name[]);
CREATE OR REPLACE VIEW bss_catalog.pg_stat_all_indexes AS SELECT * FROM pg_catalog.pg_stat_all_indexes WHERE schemaname = ANY ((SELECT bss_catalog.visible_schema_names())::name[]);
CREATE OR REPLACE VIEW bss_catalog.pg_stat_user_indexes AS SELECT * FROM pg_catalog.pg_stat_user_indexes WHERE schemaname = ANY ((SELECT bss_catalog.visible_schema_names())::name[]);

GRANT USAGE ON SCHEMA bss_catalog TO PUBLIC;
GRANT SELECT ON ALL TABLES IN SCHEMA bss_catalog TO PUBLIC;
