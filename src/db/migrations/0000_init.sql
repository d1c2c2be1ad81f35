CREATE TABLE "authtoken_token" (
	"key" varchar(40) PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created" timestamp DEFAULT now() NOT NULL,
	CONSTRAINT "authtoken_token_user_id_unique" UNIQUE("user_id")
);
--> statement-breakpoint
CREATE TABLE "misc_cagetype" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"description" varchar(1023) DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "misc_enrichment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) NOT NULL,
	"json" jsonb,
	"description" varchar(1023) DEFAULT '' NOT NULL,
	CONSTRAINT "misc_enrichment_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "misc_food" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) NOT NULL,
	"json" jsonb,
	"description" varchar(1023) DEFAULT '' NOT NULL,
	CONSTRAINT "misc_food_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "misc_housing" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"cage_name" varchar(64) NOT NULL,
	"cage_type_id" uuid,
	"enrichment_id" uuid,
	"food_id" uuid,
	"cage_cleaning_frequency_days" integer,
	"light_cycle" integer
);
--> statement-breakpoint
CREATE TABLE "misc_lablocation" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) NOT NULL,
	"json" jsonb,
	"lab_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "misc_labmembership" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"user_id" uuid NOT NULL,
	"lab_id" uuid NOT NULL,
	"role" varchar(255) DEFAULT '' NOT NULL,
	"start_date" date,
	"end_date" date
);
--> statement-breakpoint
CREATE TABLE "misc_lab" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) NOT NULL,
	"json" jsonb,
	"institution" varchar(255) DEFAULT '' NOT NULL,
	"address" varchar(255) DEFAULT '' NOT NULL,
	"timezone" varchar(64) DEFAULT '' NOT NULL,
	"reference_weight_pct" double precision DEFAULT 0 NOT NULL,
	"zscore_weight_pct" double precision DEFAULT 0 NOT NULL,
	"cage_type_id" uuid,
	"enrichment_id" uuid,
	"food_id" uuid,
	"cage_cleaning_frequency_days" integer,
	"light_cycle" integer,
	CONSTRAINT "misc_lab_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "misc_note" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"user_id" uuid NOT NULL,
	"date_time" timestamp DEFAULT now() NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"image" varchar(255),
	"content_type" varchar(100) NOT NULL,
	"object_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "misc_labmember_allowed_users" (
	"from_labmember_id" uuid NOT NULL,
	"to_labmember_id" uuid NOT NULL,
	CONSTRAINT "misc_labmember_allowed_users_from_labmember_id_to_labmember_id_pk" PRIMARY KEY("from_labmember_id","to_labmember_id")
);
--> statement-breakpoint
CREATE TABLE "misc_labmember" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"password" varchar(128) DEFAULT '' NOT NULL,
	"last_login" timestamp,
	"is_superuser" boolean DEFAULT false NOT NULL,
	"username" varchar(150) NOT NULL,
	"first_name" varchar(150) DEFAULT '' NOT NULL,
	"last_name" varchar(150) DEFAULT '' NOT NULL,
	"email" varchar(254) DEFAULT '' NOT NULL,
	"is_staff" boolean DEFAULT false NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"date_joined" timestamp DEFAULT now() NOT NULL,
	"is_stock_manager" boolean DEFAULT false NOT NULL,
	"is_public_user" boolean DEFAULT false NOT NULL,
	CONSTRAINT "misc_labmember_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "alyx_websession" (
	"key" varchar(64) PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created" timestamp DEFAULT now() NOT NULL,
	"expires" timestamp NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subjects_allele_sequences" (
	"allele_id" uuid NOT NULL,
	"sequence_id" uuid NOT NULL,
	CONSTRAINT "subjects_allele_sequences_allele_id_sequence_id_pk" PRIMARY KEY("allele_id","sequence_id")
);
--> statement-breakpoint
CREATE TABLE "subjects_allele" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"json" jsonb,
	"name" varchar(1023) NOT NULL,
	"nickname" varchar(255) NOT NULL,
	CONSTRAINT "subjects_allele_nickname_unique" UNIQUE("nickname")
);
--> statement-breakpoint
CREATE TABLE "subjects_breedingpair" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"json" jsonb,
	"name" varchar(255) DEFAULT '-' NOT NULL,
	"line_id" uuid,
	"start_date" date,
	"end_date" date,
	"father_id" uuid,
	"mother1_id" uuid,
	"mother2_id" uuid,
	"description" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subjects_genotypetest" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"subject_id" uuid NOT NULL,
	"sequence_id" uuid NOT NULL,
	"test_result" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "misc_housingsubject" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"subject_id" uuid,
	"housing_id" uuid,
	"start_datetime" timestamp NOT NULL,
	"end_datetime" timestamp
);
--> statement-breakpoint
CREATE TABLE "subjects_line_alleles" (
	"line_id" uuid NOT NULL,
	"allele_id" uuid NOT NULL,
	CONSTRAINT "subjects_line_alleles_line_id_allele_id_pk" PRIMARY KEY("line_id","allele_id")
);
--> statement-breakpoint
CREATE TABLE "subjects_line" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"json" jsonb,
	"name" varchar(255) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"target_phenotype" varchar(1023) DEFAULT '' NOT NULL,
	"nickname" varchar(255) NOT NULL,
	"strain_id" uuid,
	"source_id" uuid,
	"source_identifier" varchar(64) DEFAULT '' NOT NULL,
	"source_url" varchar(200) DEFAULT '' NOT NULL,
	"expression_data_url" varchar(200) DEFAULT '' NOT NULL,
	"species_id" uuid,
	"subject_autoname_index" integer DEFAULT 0 NOT NULL,
	"breeding_pair_autoname_index" integer DEFAULT 0 NOT NULL,
	"litter_autoname_index" integer DEFAULT 0 NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"lab_id" uuid NOT NULL,
	CONSTRAINT "subjects_line_nickname_unique" UNIQUE("nickname"),
	CONSTRAINT "subjects_line_nickname_lab_uniq" UNIQUE("nickname","lab_id")
);
--> statement-breakpoint
CREATE TABLE "subjects_litter" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"json" jsonb,
	"name" varchar(255) DEFAULT '-' NOT NULL,
	"line_id" uuid,
	"breeding_pair_id" uuid,
	"description" text DEFAULT '' NOT NULL,
	"birth_date" date,
	CONSTRAINT "subjects_litter_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "subjects_project_users" (
	"project_id" uuid NOT NULL,
	"labmember_id" uuid NOT NULL,
	CONSTRAINT "subjects_project_users_project_id_labmember_id_pk" PRIMARY KEY("project_id","labmember_id")
);
--> statement-breakpoint
CREATE TABLE "subjects_project" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"json" jsonb,
	"name" varchar(255) NOT NULL,
	"description" varchar(1023) DEFAULT '' NOT NULL,
	CONSTRAINT "subjects_project_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "subjects_sequence" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"json" jsonb,
	"name" varchar(255) NOT NULL,
	"base_pairs" text DEFAULT '' NOT NULL,
	"description" varchar(1023) DEFAULT '' NOT NULL,
	CONSTRAINT "subjects_sequence_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "subjects_source" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"json" jsonb,
	"name" varchar(255) NOT NULL,
	"description" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subjects_species" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"json" jsonb,
	"name" varchar(255) NOT NULL,
	"nickname" varchar(255) NOT NULL,
	CONSTRAINT "subjects_species_nickname_unique" UNIQUE("nickname")
);
--> statement-breakpoint
CREATE TABLE "subjects_strain" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"json" jsonb,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subjects_subject_projects" (
	"subject_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	CONSTRAINT "subjects_subject_projects_subject_id_project_id_pk" PRIMARY KEY("subject_id","project_id")
);
--> statement-breakpoint
CREATE TABLE "subjects_subjectrequest" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"user_id" uuid,
	"line_id" uuid,
	"count" integer,
	"date_time" date,
	"due_date" date,
	"description" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subjects_subject" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"nickname" varchar(64) DEFAULT '-' NOT NULL,
	"species_id" uuid,
	"litter_id" uuid,
	"sex" varchar(1) DEFAULT 'U' NOT NULL,
	"strain_id" uuid,
	"source_id" uuid,
	"line_id" uuid,
	"birth_date" date,
	"death_date" date,
	"wean_date" date,
	"genotype_date" date,
	"responsible_user_id" uuid,
	"lab_id" uuid NOT NULL,
	"cage" varchar(64),
	"request_id" uuid,
	"ear_mark" varchar(32) DEFAULT '' NOT NULL,
	"protocol_number" varchar(1) DEFAULT '1' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"adverse_effects" text DEFAULT '' NOT NULL,
	"actual_severity" integer,
	"to_be_genotyped" boolean DEFAULT false NOT NULL,
	"to_be_culled" boolean DEFAULT false NOT NULL,
	"reduced_date" date,
	CONSTRAINT "subjects_subject_nickname_lab_uniq" UNIQUE("nickname","lab_id"),
	CONSTRAINT "subjects_subject_nickname_responsible_user_uniq" UNIQUE("nickname","responsible_user_id")
);
--> statement-breakpoint
CREATE TABLE "subjects_zygosity" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"subject_id" uuid NOT NULL,
	"allele_id" uuid NOT NULL,
	"zygosity" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subjects_zygosityrule" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"line_id" uuid,
	"allele_id" uuid,
	"sequence0_id" uuid,
	"sequence0_result" integer,
	"sequence1_id" uuid,
	"sequence1_result" integer,
	"zygosity" integer NOT NULL,
	CONSTRAINT "subjects_zygosityrule_uniq" UNIQUE("line_id","allele_id","sequence0_id","sequence0_result","sequence1_id","sequence1_result")
);
--> statement-breakpoint
CREATE TABLE "actions_chronicrecording_procedures" (
	"chronicrecording_id" uuid NOT NULL,
	"proceduretype_id" uuid NOT NULL,
	CONSTRAINT "actions_chronicrecording_procedures_chronicrecording_id_proceduretype_id_pk" PRIMARY KEY("chronicrecording_id","proceduretype_id")
);
--> statement-breakpoint
CREATE TABLE "actions_chronicrecording_users" (
	"chronicrecording_id" uuid NOT NULL,
	"labmember_id" uuid NOT NULL,
	CONSTRAINT "actions_chronicrecording_users_chronicrecording_id_labmember_id_pk" PRIMARY KEY("chronicrecording_id","labmember_id")
);
--> statement-breakpoint
CREATE TABLE "actions_chronicrecording" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"subject_id" uuid NOT NULL,
	"location_id" uuid,
	"lab_id" uuid,
	"narrative" text DEFAULT '' NOT NULL,
	"start_time" timestamp,
	"end_time" timestamp
);
--> statement-breakpoint
CREATE TABLE "actions_cullmethod" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"description" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "actions_cullreason" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"description" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "actions_cull" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"user_id" uuid,
	"subject_id" uuid NOT NULL,
	"date" date NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"cull_reason_id" uuid,
	"cull_method_id" uuid,
	CONSTRAINT "actions_cull_subject_id_unique" UNIQUE("subject_id")
);
--> statement-breakpoint
CREATE TABLE "actions_notificationrule" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"user_id" uuid NOT NULL,
	"notification_type" varchar(32) NOT NULL,
	"subjects_scope" varchar(16) DEFAULT 'mine' NOT NULL,
	CONSTRAINT "actions_notificationrule_user_type_uniq" UNIQUE("user_id","notification_type")
);
--> statement-breakpoint
CREATE TABLE "actions_notification_users" (
	"notification_id" uuid NOT NULL,
	"labmember_id" uuid NOT NULL,
	CONSTRAINT "actions_notification_users_notification_id_labmember_id_pk" PRIMARY KEY("notification_id","labmember_id")
);
--> statement-breakpoint
CREATE TABLE "actions_notification" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"send_at" timestamp DEFAULT now() NOT NULL,
	"sent_at" timestamp,
	"notification_type" varchar(32) NOT NULL,
	"title" varchar(255) NOT NULL,
	"message" text DEFAULT '' NOT NULL,
	"subject_id" uuid,
	"status" varchar(16) DEFAULT 'to-send' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "actions_otheraction_procedures" (
	"otheraction_id" uuid NOT NULL,
	"proceduretype_id" uuid NOT NULL,
	CONSTRAINT "actions_otheraction_procedures_otheraction_id_proceduretype_id_pk" PRIMARY KEY("otheraction_id","proceduretype_id")
);
--> statement-breakpoint
CREATE TABLE "actions_otheraction_users" (
	"otheraction_id" uuid NOT NULL,
	"labmember_id" uuid NOT NULL,
	CONSTRAINT "actions_otheraction_users_otheraction_id_labmember_id_pk" PRIMARY KEY("otheraction_id","labmember_id")
);
--> statement-breakpoint
CREATE TABLE "actions_otheraction" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"subject_id" uuid NOT NULL,
	"location_id" uuid,
	"lab_id" uuid,
	"narrative" text DEFAULT '' NOT NULL,
	"start_time" timestamp,
	"end_time" timestamp
);
--> statement-breakpoint
CREATE TABLE "actions_proceduretype" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"json" jsonb,
	"name" varchar(255) NOT NULL,
	"description" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "actions_session_procedures" (
	"session_id" uuid NOT NULL,
	"proceduretype_id" uuid NOT NULL,
	CONSTRAINT "actions_session_procedures_session_id_proceduretype_id_pk" PRIMARY KEY("session_id","proceduretype_id")
);
--> statement-breakpoint
CREATE TABLE "actions_session_projects" (
	"session_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	CONSTRAINT "actions_session_projects_session_id_project_id_pk" PRIMARY KEY("session_id","project_id")
);
--> statement-breakpoint
CREATE TABLE "actions_session_users" (
	"session_id" uuid NOT NULL,
	"labmember_id" uuid NOT NULL,
	CONSTRAINT "actions_session_users_session_id_labmember_id_pk" PRIMARY KEY("session_id","labmember_id")
);
--> statement-breakpoint
CREATE TABLE "actions_session" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"subject_id" uuid NOT NULL,
	"location_id" uuid,
	"lab_id" uuid,
	"narrative" text DEFAULT '' NOT NULL,
	"start_time" timestamp,
	"end_time" timestamp,
	"parent_session_id" uuid,
	"type" varchar(255),
	"number" integer,
	"task_protocol" varchar(1023) DEFAULT '' NOT NULL,
	"n_trials" integer,
	"n_correct_trials" integer,
	"qc" integer DEFAULT 0 NOT NULL,
	"extended_qc" jsonb,
	"auto_datetime" timestamp
);
--> statement-breakpoint
CREATE TABLE "actions_surgery" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"subject_id" uuid NOT NULL,
	"location_id" uuid,
	"lab_id" uuid,
	"narrative" text DEFAULT '' NOT NULL,
	"start_time" timestamp,
	"end_time" timestamp,
	"outcome_type" varchar(1) DEFAULT '' NOT NULL,
	"implant_weight" double precision NOT NULL,
	CONSTRAINT "implant_weight_gte_0" CHECK ("actions_surgery"."implant_weight" >= 0)
);
--> statement-breakpoint
CREATE TABLE "actions_surgery_procedures" (
	"surgery_id" uuid NOT NULL,
	"proceduretype_id" uuid NOT NULL,
	CONSTRAINT "actions_surgery_procedures_surgery_id_proceduretype_id_pk" PRIMARY KEY("surgery_id","proceduretype_id")
);
--> statement-breakpoint
CREATE TABLE "actions_surgery_users" (
	"surgery_id" uuid NOT NULL,
	"labmember_id" uuid NOT NULL,
	CONSTRAINT "actions_surgery_users_surgery_id_labmember_id_pk" PRIMARY KEY("surgery_id","labmember_id")
);
--> statement-breakpoint
CREATE TABLE "actions_virusinjection_procedures" (
	"virusinjection_id" uuid NOT NULL,
	"proceduretype_id" uuid NOT NULL,
	CONSTRAINT "actions_virusinjection_procedures_virusinjection_id_proceduretype_id_pk" PRIMARY KEY("virusinjection_id","proceduretype_id")
);
--> statement-breakpoint
CREATE TABLE "actions_virusinjection_users" (
	"virusinjection_id" uuid NOT NULL,
	"labmember_id" uuid NOT NULL,
	CONSTRAINT "actions_virusinjection_users_virusinjection_id_labmember_id_pk" PRIMARY KEY("virusinjection_id","labmember_id")
);
--> statement-breakpoint
CREATE TABLE "actions_virusinjection" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"subject_id" uuid NOT NULL,
	"location_id" uuid,
	"lab_id" uuid,
	"narrative" text DEFAULT '' NOT NULL,
	"start_time" timestamp,
	"end_time" timestamp,
	"virus_batch" varchar(255),
	"injection_volume" double precision,
	"rate_of_injection" double precision,
	"injection_type" varchar(1) DEFAULT 'I' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "actions_wateradministration" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"user_id" uuid,
	"subject_id" uuid NOT NULL,
	"date_time" timestamp,
	"session_id" uuid,
	"water_administered" double precision,
	"water_type_id" uuid,
	"adlib" boolean DEFAULT false NOT NULL,
	CONSTRAINT "actions_wateradministration_water_administered_gte_0" CHECK ("actions_wateradministration"."water_administered" >= 0)
);
--> statement-breakpoint
CREATE TABLE "actions_waterrestriction_procedures" (
	"waterrestriction_id" uuid NOT NULL,
	"proceduretype_id" uuid NOT NULL,
	CONSTRAINT "actions_waterrestriction_procedures_waterrestriction_id_proceduretype_id_pk" PRIMARY KEY("waterrestriction_id","proceduretype_id")
);
--> statement-breakpoint
CREATE TABLE "actions_waterrestriction_users" (
	"waterrestriction_id" uuid NOT NULL,
	"labmember_id" uuid NOT NULL,
	CONSTRAINT "actions_waterrestriction_users_waterrestriction_id_labmember_id_pk" PRIMARY KEY("waterrestriction_id","labmember_id")
);
--> statement-breakpoint
CREATE TABLE "actions_waterrestriction" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"subject_id" uuid NOT NULL,
	"location_id" uuid,
	"lab_id" uuid,
	"narrative" text DEFAULT '' NOT NULL,
	"start_time" timestamp,
	"end_time" timestamp,
	"reference_weight" double precision DEFAULT 0 NOT NULL,
	"water_type_id" uuid,
	CONSTRAINT "actions_waterrestriction_reference_weight_gte_0" CHECK ("actions_waterrestriction"."reference_weight" >= 0)
);
--> statement-breakpoint
CREATE TABLE "actions_watertype" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"json" jsonb,
	"name" varchar(128) NOT NULL,
	CONSTRAINT "actions_watertype_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "actions_weighing" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"user_id" uuid,
	"subject_id" uuid NOT NULL,
	"date_time" timestamp,
	"weight" double precision NOT NULL,
	CONSTRAINT "actions_weighing_weight_gte_0" CHECK ("actions_weighing"."weight" >= 0)
);
--> statement-breakpoint
CREATE TABLE "data_dataformat" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) NOT NULL,
	"json" jsonb,
	"description" varchar(255) DEFAULT '' NOT NULL,
	"file_extension" varchar(255) NOT NULL,
	"matlab_loader_function" varchar(255) DEFAULT '' NOT NULL,
	"python_loader_function" varchar(255) DEFAULT '' NOT NULL,
	CONSTRAINT "data_dataformat_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "data_datanotice_datasets" (
	"datanotice_id" uuid NOT NULL,
	"dataset_id" uuid NOT NULL,
	CONSTRAINT "data_datanotice_datasets_datanotice_id_dataset_id_pk" PRIMARY KEY("datanotice_id","dataset_id")
);
--> statement-breakpoint
CREATE TABLE "data_datanotice" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"description" text DEFAULT '' NOT NULL,
	"importance" integer DEFAULT 20 NOT NULL,
	"created_by_id" uuid,
	"created_datetime" timestamp,
	"version_affected" varchar(64) DEFAULT '' NOT NULL,
	"affected_date_start" date,
	"affected_date_end" date
);
--> statement-breakpoint
CREATE TABLE "data_datarepository" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) NOT NULL,
	"json" jsonb,
	"repository_type_id" uuid,
	"hostname" varchar(200) DEFAULT '' NOT NULL,
	"data_url" varchar(200),
	"timezone" varchar(64) DEFAULT '' NOT NULL,
	"globus_path" varchar(1000) DEFAULT '' NOT NULL,
	"globus_endpoint_id" uuid,
	"globus_is_personal" boolean,
	CONSTRAINT "data_datarepository_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "data_datarepositorytype" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) NOT NULL,
	"json" jsonb,
	CONSTRAINT "data_datarepositorytype_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "data_dataset_tags" (
	"dataset_id" uuid NOT NULL,
	"tag_id" uuid NOT NULL,
	CONSTRAINT "data_dataset_tags_dataset_id_tag_id_pk" PRIMARY KEY("dataset_id","tag_id")
);
--> statement-breakpoint
CREATE TABLE "data_datasettype" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) NOT NULL,
	"json" jsonb,
	"created_by_id" uuid,
	"description" varchar(1023) DEFAULT '' NOT NULL,
	"filename_pattern" varchar(255),
	CONSTRAINT "data_datasettype_name_unique" UNIQUE("name"),
	CONSTRAINT "data_datasettype_filename_pattern_unique" UNIQUE("filename_pattern")
);
--> statement-breakpoint
CREATE TABLE "data_dataset" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"session_id" uuid,
	"created_by_id" uuid,
	"created_datetime" timestamp,
	"generating_software" varchar(255) DEFAULT '' NOT NULL,
	"provenance_directory_id" uuid,
	"content_type" varchar(100),
	"object_id" uuid,
	"file_size" bigint,
	"md5" uuid,
	"hash" varchar(64) DEFAULT '' NOT NULL,
	"version" varchar(64) DEFAULT '' NOT NULL,
	"collection" varchar(255) DEFAULT '' NOT NULL,
	"dataset_type_id" uuid NOT NULL,
	"data_format_id" uuid NOT NULL,
	"revision_id" uuid,
	"auto_datetime" timestamp,
	"default_dataset" boolean DEFAULT true NOT NULL,
	"qc" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_download_projects" (
	"download_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	CONSTRAINT "data_download_projects_download_id_project_id_pk" PRIMARY KEY("download_id","project_id")
);
--> statement-breakpoint
CREATE TABLE "data_download" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"user_id" uuid NOT NULL,
	"dataset_id" uuid NOT NULL,
	"first_download" timestamp,
	"last_download" timestamp,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "data_download_user_dataset_uniq" UNIQUE("user_id","dataset_id")
);
--> statement-breakpoint
CREATE TABLE "data_filerecord" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"dataset_id" uuid NOT NULL,
	"data_repository_id" uuid NOT NULL,
	"relative_path" varchar(1000) NOT NULL,
	"exists" boolean DEFAULT false NOT NULL,
	CONSTRAINT "data_filerecord_repository_path_uniq" UNIQUE("data_repository_id","relative_path")
);
--> statement-breakpoint
CREATE TABLE "misc_lab_repositories" (
	"lab_id" uuid NOT NULL,
	"datarepository_id" uuid NOT NULL,
	CONSTRAINT "misc_lab_repositories_lab_id_datarepository_id_pk" PRIMARY KEY("lab_id","datarepository_id")
);
--> statement-breakpoint
CREATE TABLE "data_revision" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) NOT NULL,
	"json" jsonb,
	"description" varchar(1023) DEFAULT '' NOT NULL,
	"created_datetime" timestamp,
	CONSTRAINT "data_revision_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "data_tag" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) NOT NULL,
	"json" jsonb,
	"description" varchar(1023) DEFAULT '' NOT NULL,
	"protected" boolean DEFAULT false NOT NULL,
	"public" boolean DEFAULT false NOT NULL,
	"hash" varchar(64),
	CONSTRAINT "data_tag_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "experiments_brainregion" (
	"id" integer PRIMARY KEY NOT NULL,
	"acronym" varchar(64) NOT NULL,
	"name" varchar(255) NOT NULL,
	"parent_id" integer,
	"ontology" varchar(64),
	"description" text,
	"lft" integer NOT NULL,
	"rght" integer NOT NULL,
	"tree_id" integer NOT NULL,
	"level" integer NOT NULL,
	CONSTRAINT "experiments_brainregion_acronym_unique" UNIQUE("acronym"),
	CONSTRAINT "experiments_brainregion_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "experiments_channel" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"axial" double precision,
	"lateral" double precision,
	"x" double precision,
	"y" double precision,
	"z" double precision,
	"brain_region_id" integer DEFAULT 0,
	"trajectory_estimate_id" uuid
);
--> statement-breakpoint
CREATE TABLE "experiments_chronicinsertion" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"subject_id" uuid NOT NULL,
	"lab_id" uuid,
	"narrative" text DEFAULT '' NOT NULL,
	"start_time" timestamp DEFAULT now() NOT NULL,
	"end_time" timestamp,
	"serial" varchar(255) DEFAULT '' NOT NULL,
	"model_id" uuid
);
--> statement-breakpoint
CREATE TABLE "experiments_coordinatesystem" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"description" text DEFAULT '' NOT NULL,
	CONSTRAINT "experiments_coordinatesystem_description_unique" UNIQUE("description")
);
--> statement-breakpoint
CREATE TABLE "experiments_fov" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"session_id" uuid NOT NULL,
	"imaging_type_id" uuid NOT NULL,
	"stack_id" uuid
);
--> statement-breakpoint
CREATE TABLE "experiments_fov_datasets" (
	"fov_id" uuid NOT NULL,
	"dataset_id" uuid NOT NULL,
	CONSTRAINT "experiments_fov_datasets_fov_id_dataset_id_pk" PRIMARY KEY("fov_id","dataset_id")
);
--> statement-breakpoint
CREATE TABLE "experiments_fovlocation_brain_region" (
	"fovlocation_id" uuid NOT NULL,
	"brainregion_id" integer NOT NULL,
	CONSTRAINT "experiments_fovlocation_brain_region_fovlocation_id_brainregion_id_pk" PRIMARY KEY("fovlocation_id","brainregion_id")
);
--> statement-breakpoint
CREATE TABLE "experiments_fovlocation" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"field_of_view_id" uuid NOT NULL,
	"provenance" varchar(1) DEFAULT 'L' NOT NULL,
	"default_provenance" boolean DEFAULT false NOT NULL,
	"coordinate_system_id" uuid,
	"auto_datetime" timestamp DEFAULT now() NOT NULL,
	"x" double precision[] DEFAULT '{}'::double precision[] NOT NULL,
	"y" double precision[] DEFAULT '{}'::double precision[] NOT NULL,
	"z" double precision[] DEFAULT '{}'::double precision[] NOT NULL,
	"n_xyz" integer[] DEFAULT '{}'::integer[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "experiments_imagingstack" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb
);
--> statement-breakpoint
CREATE TABLE "experiments_imagingtype" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) NOT NULL,
	"json" jsonb,
	CONSTRAINT "experiments_imagingtype_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "experiments_probeinsertion_datasets" (
	"probeinsertion_id" uuid NOT NULL,
	"dataset_id" uuid NOT NULL,
	CONSTRAINT "experiments_probeinsertion_datasets_probeinsertion_id_dataset_id_pk" PRIMARY KEY("probeinsertion_id","dataset_id")
);
--> statement-breakpoint
CREATE TABLE "experiments_probeinsertion" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"session_id" uuid,
	"model_id" uuid,
	"serial" varchar(255) DEFAULT '' NOT NULL,
	"auto_datetime" timestamp,
	"chronic_insertion_id" uuid
);
--> statement-breakpoint
CREATE TABLE "experiments_probemodel" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(255) DEFAULT '' NOT NULL,
	"json" jsonb,
	"probe_manufacturer" varchar(255) NOT NULL,
	"probe_model" varchar(255) NOT NULL,
	"description" varchar(255),
	CONSTRAINT "experiments_probemodel_probe_model_unique" UNIQUE("probe_model")
);
--> statement-breakpoint
CREATE TABLE "experiments_trajectoryestimate" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"probe_insertion_id" uuid,
	"chronic_insertion_id" uuid,
	"x" double precision,
	"y" double precision,
	"z" double precision,
	"depth" double precision,
	"theta" double precision,
	"phi" double precision,
	"roll" double precision,
	"provenance" integer DEFAULT 10 NOT NULL,
	"coordinate_system_id" uuid,
	"datetime" timestamp DEFAULT now() NOT NULL,
	"json" jsonb
);
--> statement-breakpoint
CREATE TABLE "jobs_taskdispatch" (
	"task_id" uuid PRIMARY KEY NOT NULL,
	"queue" varchar(255) NOT NULL,
	"dispatched_at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs_task_parents" (
	"from_task_id" uuid NOT NULL,
	"to_task_id" uuid NOT NULL,
	CONSTRAINT "jobs_task_parents_from_task_id_to_task_id_pk" PRIMARY KEY("from_task_id","to_task_id")
);
--> statement-breakpoint
CREATE TABLE "jobs_task" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(64),
	"priority" smallint,
	"io_charge" smallint,
	"level" smallint,
	"gpu" smallint,
	"cpu" smallint,
	"ram" smallint,
	"time_out_secs" smallint,
	"time_elapsed_secs" double precision,
	"executable" varchar(128),
	"graph" varchar(64),
	"status" integer DEFAULT 20 NOT NULL,
	"log" text,
	"session_id" uuid,
	"version" varchar(64),
	"datetime" timestamp DEFAULT now() NOT NULL,
	"arguments" jsonb,
	"data_repository_id" uuid
);
--> statement-breakpoint
ALTER TABLE "authtoken_token" ADD CONSTRAINT "authtoken_token_user_id_misc_labmember_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misc_housing" ADD CONSTRAINT "misc_housing_cage_type_id_misc_cagetype_id_fk" FOREIGN KEY ("cage_type_id") REFERENCES "public"."misc_cagetype"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misc_housing" ADD CONSTRAINT "misc_housing_enrichment_id_misc_enrichment_id_fk" FOREIGN KEY ("enrichment_id") REFERENCES "public"."misc_enrichment"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misc_housing" ADD CONSTRAINT "misc_housing_food_id_misc_food_id_fk" FOREIGN KEY ("food_id") REFERENCES "public"."misc_food"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misc_lablocation" ADD CONSTRAINT "misc_lablocation_lab_id_misc_lab_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."misc_lab"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misc_labmembership" ADD CONSTRAINT "misc_labmembership_user_id_misc_labmember_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misc_labmembership" ADD CONSTRAINT "misc_labmembership_lab_id_misc_lab_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."misc_lab"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misc_lab" ADD CONSTRAINT "misc_lab_cage_type_id_misc_cagetype_id_fk" FOREIGN KEY ("cage_type_id") REFERENCES "public"."misc_cagetype"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misc_lab" ADD CONSTRAINT "misc_lab_enrichment_id_misc_enrichment_id_fk" FOREIGN KEY ("enrichment_id") REFERENCES "public"."misc_enrichment"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misc_lab" ADD CONSTRAINT "misc_lab_food_id_misc_food_id_fk" FOREIGN KEY ("food_id") REFERENCES "public"."misc_food"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misc_note" ADD CONSTRAINT "misc_note_user_id_misc_labmember_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misc_labmember_allowed_users" ADD CONSTRAINT "misc_labmember_allowed_users_from_labmember_id_misc_labmember_id_fk" FOREIGN KEY ("from_labmember_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misc_labmember_allowed_users" ADD CONSTRAINT "misc_labmember_allowed_users_to_labmember_id_misc_labmember_id_fk" FOREIGN KEY ("to_labmember_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alyx_websession" ADD CONSTRAINT "alyx_websession_user_id_misc_labmember_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_allele_sequences" ADD CONSTRAINT "subjects_allele_sequences_allele_id_subjects_allele_id_fk" FOREIGN KEY ("allele_id") REFERENCES "public"."subjects_allele"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_allele_sequences" ADD CONSTRAINT "subjects_allele_sequences_sequence_id_subjects_sequence_id_fk" FOREIGN KEY ("sequence_id") REFERENCES "public"."subjects_sequence"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_breedingpair" ADD CONSTRAINT "subjects_breedingpair_line_id_subjects_line_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."subjects_line"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_breedingpair" ADD CONSTRAINT "subjects_breedingpair_father_id_subjects_subject_id_fk" FOREIGN KEY ("father_id") REFERENCES "public"."subjects_subject"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_breedingpair" ADD CONSTRAINT "subjects_breedingpair_mother1_id_subjects_subject_id_fk" FOREIGN KEY ("mother1_id") REFERENCES "public"."subjects_subject"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_breedingpair" ADD CONSTRAINT "subjects_breedingpair_mother2_id_subjects_subject_id_fk" FOREIGN KEY ("mother2_id") REFERENCES "public"."subjects_subject"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_genotypetest" ADD CONSTRAINT "subjects_genotypetest_subject_id_subjects_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects_subject"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_genotypetest" ADD CONSTRAINT "subjects_genotypetest_sequence_id_subjects_sequence_id_fk" FOREIGN KEY ("sequence_id") REFERENCES "public"."subjects_sequence"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misc_housingsubject" ADD CONSTRAINT "misc_housingsubject_subject_id_subjects_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects_subject"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misc_housingsubject" ADD CONSTRAINT "misc_housingsubject_housing_id_misc_housing_id_fk" FOREIGN KEY ("housing_id") REFERENCES "public"."misc_housing"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_line_alleles" ADD CONSTRAINT "subjects_line_alleles_line_id_subjects_line_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."subjects_line"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_line_alleles" ADD CONSTRAINT "subjects_line_alleles_allele_id_subjects_allele_id_fk" FOREIGN KEY ("allele_id") REFERENCES "public"."subjects_allele"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_line" ADD CONSTRAINT "subjects_line_strain_id_subjects_strain_id_fk" FOREIGN KEY ("strain_id") REFERENCES "public"."subjects_strain"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_line" ADD CONSTRAINT "subjects_line_source_id_subjects_source_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."subjects_source"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_line" ADD CONSTRAINT "subjects_line_species_id_subjects_species_id_fk" FOREIGN KEY ("species_id") REFERENCES "public"."subjects_species"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_line" ADD CONSTRAINT "subjects_line_lab_id_misc_lab_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."misc_lab"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_litter" ADD CONSTRAINT "subjects_litter_line_id_subjects_line_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."subjects_line"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_litter" ADD CONSTRAINT "subjects_litter_breeding_pair_id_subjects_breedingpair_id_fk" FOREIGN KEY ("breeding_pair_id") REFERENCES "public"."subjects_breedingpair"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_project_users" ADD CONSTRAINT "subjects_project_users_project_id_subjects_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."subjects_project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_project_users" ADD CONSTRAINT "subjects_project_users_labmember_id_misc_labmember_id_fk" FOREIGN KEY ("labmember_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_subject_projects" ADD CONSTRAINT "subjects_subject_projects_subject_id_subjects_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects_subject"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_subject_projects" ADD CONSTRAINT "subjects_subject_projects_project_id_subjects_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."subjects_project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_subjectrequest" ADD CONSTRAINT "subjects_subjectrequest_user_id_misc_labmember_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."misc_labmember"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_subjectrequest" ADD CONSTRAINT "subjects_subjectrequest_line_id_subjects_line_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."subjects_line"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_subject" ADD CONSTRAINT "subjects_subject_species_id_subjects_species_id_fk" FOREIGN KEY ("species_id") REFERENCES "public"."subjects_species"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_subject" ADD CONSTRAINT "subjects_subject_litter_id_subjects_litter_id_fk" FOREIGN KEY ("litter_id") REFERENCES "public"."subjects_litter"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_subject" ADD CONSTRAINT "subjects_subject_strain_id_subjects_strain_id_fk" FOREIGN KEY ("strain_id") REFERENCES "public"."subjects_strain"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_subject" ADD CONSTRAINT "subjects_subject_source_id_subjects_source_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."subjects_source"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_subject" ADD CONSTRAINT "subjects_subject_line_id_subjects_line_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."subjects_line"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_subject" ADD CONSTRAINT "subjects_subject_responsible_user_id_misc_labmember_id_fk" FOREIGN KEY ("responsible_user_id") REFERENCES "public"."misc_labmember"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_subject" ADD CONSTRAINT "subjects_subject_lab_id_misc_lab_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."misc_lab"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_subject" ADD CONSTRAINT "subjects_subject_request_id_subjects_subjectrequest_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."subjects_subjectrequest"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_zygosity" ADD CONSTRAINT "subjects_zygosity_subject_id_subjects_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects_subject"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_zygosity" ADD CONSTRAINT "subjects_zygosity_allele_id_subjects_allele_id_fk" FOREIGN KEY ("allele_id") REFERENCES "public"."subjects_allele"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_zygosityrule" ADD CONSTRAINT "subjects_zygosityrule_line_id_subjects_line_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."subjects_line"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_zygosityrule" ADD CONSTRAINT "subjects_zygosityrule_allele_id_subjects_allele_id_fk" FOREIGN KEY ("allele_id") REFERENCES "public"."subjects_allele"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_zygosityrule" ADD CONSTRAINT "subjects_zygosityrule_sequence0_id_subjects_sequence_id_fk" FOREIGN KEY ("sequence0_id") REFERENCES "public"."subjects_sequence"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects_zygosityrule" ADD CONSTRAINT "subjects_zygosityrule_sequence1_id_subjects_sequence_id_fk" FOREIGN KEY ("sequence1_id") REFERENCES "public"."subjects_sequence"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_chronicrecording_procedures" ADD CONSTRAINT "actions_chronicrecording_procedures_chronicrecording_id_actions_chronicrecording_id_fk" FOREIGN KEY ("chronicrecording_id") REFERENCES "public"."actions_chronicrecording"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_chronicrecording_procedures" ADD CONSTRAINT "actions_chronicrecording_procedures_proceduretype_id_actions_proceduretype_id_fk" FOREIGN KEY ("proceduretype_id") REFERENCES "public"."actions_proceduretype"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_chronicrecording_users" ADD CONSTRAINT "actions_chronicrecording_users_chronicrecording_id_actions_chronicrecording_id_fk" FOREIGN KEY ("chronicrecording_id") REFERENCES "public"."actions_chronicrecording"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_chronicrecording_users" ADD CONSTRAINT "actions_chronicrecording_users_labmember_id_misc_labmember_id_fk" FOREIGN KEY ("labmember_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_chronicrecording" ADD CONSTRAINT "actions_chronicrecording_subject_id_subjects_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects_subject"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_chronicrecording" ADD CONSTRAINT "actions_chronicrecording_location_id_misc_lablocation_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."misc_lablocation"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_chronicrecording" ADD CONSTRAINT "actions_chronicrecording_lab_id_misc_lab_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."misc_lab"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_cull" ADD CONSTRAINT "actions_cull_user_id_misc_labmember_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."misc_labmember"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_cull" ADD CONSTRAINT "actions_cull_subject_id_subjects_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects_subject"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_cull" ADD CONSTRAINT "actions_cull_cull_reason_id_actions_cullreason_id_fk" FOREIGN KEY ("cull_reason_id") REFERENCES "public"."actions_cullreason"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_cull" ADD CONSTRAINT "actions_cull_cull_method_id_actions_cullmethod_id_fk" FOREIGN KEY ("cull_method_id") REFERENCES "public"."actions_cullmethod"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_notificationrule" ADD CONSTRAINT "actions_notificationrule_user_id_misc_labmember_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_notification_users" ADD CONSTRAINT "actions_notification_users_notification_id_actions_notification_id_fk" FOREIGN KEY ("notification_id") REFERENCES "public"."actions_notification"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_notification_users" ADD CONSTRAINT "actions_notification_users_labmember_id_misc_labmember_id_fk" FOREIGN KEY ("labmember_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_notification" ADD CONSTRAINT "actions_notification_subject_id_subjects_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects_subject"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_otheraction_procedures" ADD CONSTRAINT "actions_otheraction_procedures_otheraction_id_actions_otheraction_id_fk" FOREIGN KEY ("otheraction_id") REFERENCES "public"."actions_otheraction"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_otheraction_procedures" ADD CONSTRAINT "actions_otheraction_procedures_proceduretype_id_actions_proceduretype_id_fk" FOREIGN KEY ("proceduretype_id") REFERENCES "public"."actions_proceduretype"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_otheraction_users" ADD CONSTRAINT "actions_otheraction_users_otheraction_id_actions_otheraction_id_fk" FOREIGN KEY ("otheraction_id") REFERENCES "public"."actions_otheraction"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_otheraction_users" ADD CONSTRAINT "actions_otheraction_users_labmember_id_misc_labmember_id_fk" FOREIGN KEY ("labmember_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_otheraction" ADD CONSTRAINT "actions_otheraction_subject_id_subjects_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects_subject"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_otheraction" ADD CONSTRAINT "actions_otheraction_location_id_misc_lablocation_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."misc_lablocation"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_otheraction" ADD CONSTRAINT "actions_otheraction_lab_id_misc_lab_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."misc_lab"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_session_procedures" ADD CONSTRAINT "actions_session_procedures_session_id_actions_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."actions_session"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_session_procedures" ADD CONSTRAINT "actions_session_procedures_proceduretype_id_actions_proceduretype_id_fk" FOREIGN KEY ("proceduretype_id") REFERENCES "public"."actions_proceduretype"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_session_projects" ADD CONSTRAINT "actions_session_projects_session_id_actions_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."actions_session"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_session_projects" ADD CONSTRAINT "actions_session_projects_project_id_subjects_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."subjects_project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_session_users" ADD CONSTRAINT "actions_session_users_session_id_actions_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."actions_session"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_session_users" ADD CONSTRAINT "actions_session_users_labmember_id_misc_labmember_id_fk" FOREIGN KEY ("labmember_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_session" ADD CONSTRAINT "actions_session_subject_id_subjects_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects_subject"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_session" ADD CONSTRAINT "actions_session_location_id_misc_lablocation_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."misc_lablocation"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_session" ADD CONSTRAINT "actions_session_lab_id_misc_lab_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."misc_lab"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_session" ADD CONSTRAINT "actions_session_parent_session_id_actions_session_id_fk" FOREIGN KEY ("parent_session_id") REFERENCES "public"."actions_session"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_surgery" ADD CONSTRAINT "actions_surgery_subject_id_subjects_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects_subject"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_surgery" ADD CONSTRAINT "actions_surgery_location_id_misc_lablocation_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."misc_lablocation"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_surgery" ADD CONSTRAINT "actions_surgery_lab_id_misc_lab_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."misc_lab"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_surgery_procedures" ADD CONSTRAINT "actions_surgery_procedures_surgery_id_actions_surgery_id_fk" FOREIGN KEY ("surgery_id") REFERENCES "public"."actions_surgery"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_surgery_procedures" ADD CONSTRAINT "actions_surgery_procedures_proceduretype_id_actions_proceduretype_id_fk" FOREIGN KEY ("proceduretype_id") REFERENCES "public"."actions_proceduretype"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_surgery_users" ADD CONSTRAINT "actions_surgery_users_surgery_id_actions_surgery_id_fk" FOREIGN KEY ("surgery_id") REFERENCES "public"."actions_surgery"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_surgery_users" ADD CONSTRAINT "actions_surgery_users_labmember_id_misc_labmember_id_fk" FOREIGN KEY ("labmember_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_virusinjection_procedures" ADD CONSTRAINT "actions_virusinjection_procedures_virusinjection_id_actions_virusinjection_id_fk" FOREIGN KEY ("virusinjection_id") REFERENCES "public"."actions_virusinjection"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_virusinjection_procedures" ADD CONSTRAINT "actions_virusinjection_procedures_proceduretype_id_actions_proceduretype_id_fk" FOREIGN KEY ("proceduretype_id") REFERENCES "public"."actions_proceduretype"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_virusinjection_users" ADD CONSTRAINT "actions_virusinjection_users_virusinjection_id_actions_virusinjection_id_fk" FOREIGN KEY ("virusinjection_id") REFERENCES "public"."actions_virusinjection"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_virusinjection_users" ADD CONSTRAINT "actions_virusinjection_users_labmember_id_misc_labmember_id_fk" FOREIGN KEY ("labmember_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_virusinjection" ADD CONSTRAINT "actions_virusinjection_subject_id_subjects_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects_subject"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_virusinjection" ADD CONSTRAINT "actions_virusinjection_location_id_misc_lablocation_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."misc_lablocation"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_virusinjection" ADD CONSTRAINT "actions_virusinjection_lab_id_misc_lab_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."misc_lab"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_wateradministration" ADD CONSTRAINT "actions_wateradministration_user_id_misc_labmember_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."misc_labmember"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_wateradministration" ADD CONSTRAINT "actions_wateradministration_subject_id_subjects_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects_subject"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_wateradministration" ADD CONSTRAINT "actions_wateradministration_session_id_actions_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."actions_session"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_wateradministration" ADD CONSTRAINT "actions_wateradministration_water_type_id_actions_watertype_id_fk" FOREIGN KEY ("water_type_id") REFERENCES "public"."actions_watertype"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_waterrestriction_procedures" ADD CONSTRAINT "actions_waterrestriction_procedures_waterrestriction_id_actions_waterrestriction_id_fk" FOREIGN KEY ("waterrestriction_id") REFERENCES "public"."actions_waterrestriction"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_waterrestriction_procedures" ADD CONSTRAINT "actions_waterrestriction_procedures_proceduretype_id_actions_proceduretype_id_fk" FOREIGN KEY ("proceduretype_id") REFERENCES "public"."actions_proceduretype"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_waterrestriction_users" ADD CONSTRAINT "actions_waterrestriction_users_waterrestriction_id_actions_waterrestriction_id_fk" FOREIGN KEY ("waterrestriction_id") REFERENCES "public"."actions_waterrestriction"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_waterrestriction_users" ADD CONSTRAINT "actions_waterrestriction_users_labmember_id_misc_labmember_id_fk" FOREIGN KEY ("labmember_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_waterrestriction" ADD CONSTRAINT "actions_waterrestriction_subject_id_subjects_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects_subject"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_waterrestriction" ADD CONSTRAINT "actions_waterrestriction_location_id_misc_lablocation_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."misc_lablocation"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_waterrestriction" ADD CONSTRAINT "actions_waterrestriction_lab_id_misc_lab_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."misc_lab"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_waterrestriction" ADD CONSTRAINT "actions_waterrestriction_water_type_id_actions_watertype_id_fk" FOREIGN KEY ("water_type_id") REFERENCES "public"."actions_watertype"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_weighing" ADD CONSTRAINT "actions_weighing_user_id_misc_labmember_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."misc_labmember"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions_weighing" ADD CONSTRAINT "actions_weighing_subject_id_subjects_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects_subject"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_datanotice_datasets" ADD CONSTRAINT "data_datanotice_datasets_datanotice_id_data_datanotice_id_fk" FOREIGN KEY ("datanotice_id") REFERENCES "public"."data_datanotice"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_datanotice_datasets" ADD CONSTRAINT "data_datanotice_datasets_dataset_id_data_dataset_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."data_dataset"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_datanotice" ADD CONSTRAINT "data_datanotice_created_by_id_misc_labmember_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."misc_labmember"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_datarepository" ADD CONSTRAINT "data_datarepository_repository_type_id_data_datarepositorytype_id_fk" FOREIGN KEY ("repository_type_id") REFERENCES "public"."data_datarepositorytype"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_dataset_tags" ADD CONSTRAINT "data_dataset_tags_dataset_id_data_dataset_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."data_dataset"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_dataset_tags" ADD CONSTRAINT "data_dataset_tags_tag_id_data_tag_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."data_tag"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_datasettype" ADD CONSTRAINT "data_datasettype_created_by_id_misc_labmember_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_dataset" ADD CONSTRAINT "data_dataset_session_id_actions_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."actions_session"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_dataset" ADD CONSTRAINT "data_dataset_created_by_id_misc_labmember_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_dataset" ADD CONSTRAINT "data_dataset_provenance_directory_id_data_dataset_id_fk" FOREIGN KEY ("provenance_directory_id") REFERENCES "public"."data_dataset"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_dataset" ADD CONSTRAINT "data_dataset_dataset_type_id_data_datasettype_id_fk" FOREIGN KEY ("dataset_type_id") REFERENCES "public"."data_datasettype"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_dataset" ADD CONSTRAINT "data_dataset_data_format_id_data_dataformat_id_fk" FOREIGN KEY ("data_format_id") REFERENCES "public"."data_dataformat"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_dataset" ADD CONSTRAINT "data_dataset_revision_id_data_revision_id_fk" FOREIGN KEY ("revision_id") REFERENCES "public"."data_revision"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_download_projects" ADD CONSTRAINT "data_download_projects_download_id_data_download_id_fk" FOREIGN KEY ("download_id") REFERENCES "public"."data_download"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_download_projects" ADD CONSTRAINT "data_download_projects_project_id_subjects_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."subjects_project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_download" ADD CONSTRAINT "data_download_user_id_misc_labmember_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."misc_labmember"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_download" ADD CONSTRAINT "data_download_dataset_id_data_dataset_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."data_dataset"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_filerecord" ADD CONSTRAINT "data_filerecord_dataset_id_data_dataset_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."data_dataset"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_filerecord" ADD CONSTRAINT "data_filerecord_data_repository_id_data_datarepository_id_fk" FOREIGN KEY ("data_repository_id") REFERENCES "public"."data_datarepository"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misc_lab_repositories" ADD CONSTRAINT "misc_lab_repositories_lab_id_misc_lab_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."misc_lab"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misc_lab_repositories" ADD CONSTRAINT "misc_lab_repositories_datarepository_id_data_datarepository_id_fk" FOREIGN KEY ("datarepository_id") REFERENCES "public"."data_datarepository"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_brainregion" ADD CONSTRAINT "experiments_brainregion_parent_id_experiments_brainregion_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."experiments_brainregion"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_channel" ADD CONSTRAINT "experiments_channel_brain_region_id_experiments_brainregion_id_fk" FOREIGN KEY ("brain_region_id") REFERENCES "public"."experiments_brainregion"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_channel" ADD CONSTRAINT "experiments_channel_trajectory_estimate_id_experiments_trajectoryestimate_id_fk" FOREIGN KEY ("trajectory_estimate_id") REFERENCES "public"."experiments_trajectoryestimate"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_chronicinsertion" ADD CONSTRAINT "experiments_chronicinsertion_subject_id_subjects_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects_subject"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_chronicinsertion" ADD CONSTRAINT "experiments_chronicinsertion_lab_id_misc_lab_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."misc_lab"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_chronicinsertion" ADD CONSTRAINT "experiments_chronicinsertion_model_id_experiments_probemodel_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."experiments_probemodel"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_fov" ADD CONSTRAINT "experiments_fov_session_id_actions_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."actions_session"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_fov" ADD CONSTRAINT "experiments_fov_imaging_type_id_experiments_imagingtype_id_fk" FOREIGN KEY ("imaging_type_id") REFERENCES "public"."experiments_imagingtype"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_fov" ADD CONSTRAINT "experiments_fov_stack_id_experiments_imagingstack_id_fk" FOREIGN KEY ("stack_id") REFERENCES "public"."experiments_imagingstack"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_fov_datasets" ADD CONSTRAINT "experiments_fov_datasets_fov_id_experiments_fov_id_fk" FOREIGN KEY ("fov_id") REFERENCES "public"."experiments_fov"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_fov_datasets" ADD CONSTRAINT "experiments_fov_datasets_dataset_id_data_dataset_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."data_dataset"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_fovlocation_brain_region" ADD CONSTRAINT "experiments_fovlocation_brain_region_fovlocation_id_experiments_fovlocation_id_fk" FOREIGN KEY ("fovlocation_id") REFERENCES "public"."experiments_fovlocation"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_fovlocation_brain_region" ADD CONSTRAINT "experiments_fovlocation_brain_region_brainregion_id_experiments_brainregion_id_fk" FOREIGN KEY ("brainregion_id") REFERENCES "public"."experiments_brainregion"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_fovlocation" ADD CONSTRAINT "experiments_fovlocation_field_of_view_id_experiments_fov_id_fk" FOREIGN KEY ("field_of_view_id") REFERENCES "public"."experiments_fov"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_fovlocation" ADD CONSTRAINT "experiments_fovlocation_coordinate_system_id_experiments_coordinatesystem_id_fk" FOREIGN KEY ("coordinate_system_id") REFERENCES "public"."experiments_coordinatesystem"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_probeinsertion_datasets" ADD CONSTRAINT "experiments_probeinsertion_datasets_probeinsertion_id_experiments_probeinsertion_id_fk" FOREIGN KEY ("probeinsertion_id") REFERENCES "public"."experiments_probeinsertion"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_probeinsertion_datasets" ADD CONSTRAINT "experiments_probeinsertion_datasets_dataset_id_data_dataset_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."data_dataset"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_probeinsertion" ADD CONSTRAINT "experiments_probeinsertion_session_id_actions_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."actions_session"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_probeinsertion" ADD CONSTRAINT "experiments_probeinsertion_model_id_experiments_probemodel_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."experiments_probemodel"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_probeinsertion" ADD CONSTRAINT "experiments_probeinsertion_chronic_insertion_id_experiments_chronicinsertion_id_fk" FOREIGN KEY ("chronic_insertion_id") REFERENCES "public"."experiments_chronicinsertion"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_trajectoryestimate" ADD CONSTRAINT "experiments_trajectoryestimate_probe_insertion_id_experiments_probeinsertion_id_fk" FOREIGN KEY ("probe_insertion_id") REFERENCES "public"."experiments_probeinsertion"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_trajectoryestimate" ADD CONSTRAINT "experiments_trajectoryestimate_chronic_insertion_id_experiments_chronicinsertion_id_fk" FOREIGN KEY ("chronic_insertion_id") REFERENCES "public"."experiments_chronicinsertion"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments_trajectoryestimate" ADD CONSTRAINT "experiments_trajectoryestimate_coordinate_system_id_experiments_coordinatesystem_id_fk" FOREIGN KEY ("coordinate_system_id") REFERENCES "public"."experiments_coordinatesystem"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs_taskdispatch" ADD CONSTRAINT "jobs_taskdispatch_task_id_jobs_task_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."jobs_task"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs_task_parents" ADD CONSTRAINT "jobs_task_parents_from_task_id_jobs_task_id_fk" FOREIGN KEY ("from_task_id") REFERENCES "public"."jobs_task"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs_task_parents" ADD CONSTRAINT "jobs_task_parents_to_task_id_jobs_task_id_fk" FOREIGN KEY ("to_task_id") REFERENCES "public"."jobs_task"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs_task" ADD CONSTRAINT "jobs_task_session_id_actions_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."actions_session"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs_task" ADD CONSTRAINT "jobs_task_data_repository_id_data_datarepository_id_fk" FOREIGN KEY ("data_repository_id") REFERENCES "public"."data_datarepository"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "misc_lablocation_name_index" ON "misc_lablocation" USING btree ("name");--> statement-breakpoint
CREATE INDEX "misc_lablocation_lab_id_index" ON "misc_lablocation" USING btree ("lab_id");--> statement-breakpoint
CREATE INDEX "misc_labmembership_user_id_index" ON "misc_labmembership" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "misc_labmembership_lab_id_index" ON "misc_labmembership" USING btree ("lab_id");--> statement-breakpoint
CREATE INDEX "misc_note_object_id_index" ON "misc_note" USING btree ("object_id");--> statement-breakpoint
CREATE INDEX "misc_note_content_type_index" ON "misc_note" USING btree ("content_type");--> statement-breakpoint
CREATE INDEX "misc_labmember_allowed_users_to_labmember_id_index" ON "misc_labmember_allowed_users" USING btree ("to_labmember_id");--> statement-breakpoint
CREATE INDEX "alyx_websession_user_id_index" ON "alyx_websession" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "subjects_allele_sequences_sequence_id_index" ON "subjects_allele_sequences" USING btree ("sequence_id");--> statement-breakpoint
CREATE INDEX "subjects_breedingpair_name_index" ON "subjects_breedingpair" USING btree ("name");--> statement-breakpoint
CREATE INDEX "subjects_breedingpair_line_id_index" ON "subjects_breedingpair" USING btree ("line_id");--> statement-breakpoint
CREATE INDEX "subjects_breedingpair_father_id_index" ON "subjects_breedingpair" USING btree ("father_id");--> statement-breakpoint
CREATE INDEX "subjects_breedingpair_mother1_id_index" ON "subjects_breedingpair" USING btree ("mother1_id");--> statement-breakpoint
CREATE INDEX "subjects_breedingpair_mother2_id_index" ON "subjects_breedingpair" USING btree ("mother2_id");--> statement-breakpoint
CREATE INDEX "subjects_genotypetest_subject_id_index" ON "subjects_genotypetest" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "subjects_genotypetest_sequence_id_index" ON "subjects_genotypetest" USING btree ("sequence_id");--> statement-breakpoint
CREATE INDEX "misc_housingsubject_subject_id_index" ON "misc_housingsubject" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "misc_housingsubject_housing_id_index" ON "misc_housingsubject" USING btree ("housing_id");--> statement-breakpoint
CREATE INDEX "subjects_line_alleles_allele_id_index" ON "subjects_line_alleles" USING btree ("allele_id");--> statement-breakpoint
CREATE INDEX "subjects_line_name_index" ON "subjects_line" USING btree ("name");--> statement-breakpoint
CREATE INDEX "subjects_line_lab_id_index" ON "subjects_line" USING btree ("lab_id");--> statement-breakpoint
CREATE INDEX "subjects_line_strain_id_index" ON "subjects_line" USING btree ("strain_id");--> statement-breakpoint
CREATE INDEX "subjects_line_source_id_index" ON "subjects_line" USING btree ("source_id");--> statement-breakpoint
CREATE INDEX "subjects_line_species_id_index" ON "subjects_line" USING btree ("species_id");--> statement-breakpoint
CREATE INDEX "subjects_litter_line_id_index" ON "subjects_litter" USING btree ("line_id");--> statement-breakpoint
CREATE INDEX "subjects_litter_breeding_pair_id_index" ON "subjects_litter" USING btree ("breeding_pair_id");--> statement-breakpoint
CREATE INDEX "subjects_project_users_labmember_id_index" ON "subjects_project_users" USING btree ("labmember_id");--> statement-breakpoint
CREATE INDEX "subjects_source_name_index" ON "subjects_source" USING btree ("name");--> statement-breakpoint
CREATE INDEX "subjects_strain_name_index" ON "subjects_strain" USING btree ("name");--> statement-breakpoint
CREATE INDEX "subjects_subject_projects_project_id_index" ON "subjects_subject_projects" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "subjects_subjectrequest_user_id_index" ON "subjects_subjectrequest" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "subjects_subjectrequest_line_id_index" ON "subjects_subjectrequest" USING btree ("line_id");--> statement-breakpoint
CREATE INDEX "subjects_subject_nickname_index" ON "subjects_subject" USING btree ("nickname");--> statement-breakpoint
CREATE INDEX "subjects_subject_lab_id_index" ON "subjects_subject" USING btree ("lab_id");--> statement-breakpoint
CREATE INDEX "subjects_subject_responsible_user_id_index" ON "subjects_subject" USING btree ("responsible_user_id");--> statement-breakpoint
CREATE INDEX "subjects_subject_species_id_index" ON "subjects_subject" USING btree ("species_id");--> statement-breakpoint
CREATE INDEX "subjects_subject_litter_id_index" ON "subjects_subject" USING btree ("litter_id");--> statement-breakpoint
CREATE INDEX "subjects_subject_strain_id_index" ON "subjects_subject" USING btree ("strain_id");--> statement-breakpoint
CREATE INDEX "subjects_subject_source_id_index" ON "subjects_subject" USING btree ("source_id");--> statement-breakpoint
CREATE INDEX "subjects_subject_line_id_index" ON "subjects_subject" USING btree ("line_id");--> statement-breakpoint
CREATE INDEX "subjects_subject_request_id_index" ON "subjects_subject" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "subjects_subject_birth_date_index" ON "subjects_subject" USING btree ("birth_date");--> statement-breakpoint
CREATE INDEX "subjects_subject_death_date_index" ON "subjects_subject" USING btree ("death_date");--> statement-breakpoint
CREATE INDEX "subjects_subject_wean_date_index" ON "subjects_subject" USING btree ("wean_date");--> statement-breakpoint
CREATE INDEX "subjects_subject_genotype_date_index" ON "subjects_subject" USING btree ("genotype_date");--> statement-breakpoint
CREATE INDEX "subjects_subject_reduced_date_index" ON "subjects_subject" USING btree ("reduced_date");--> statement-breakpoint
CREATE INDEX "subjects_subject_sex_index" ON "subjects_subject" USING btree ("sex");--> statement-breakpoint
CREATE INDEX "subjects_subject_cage_index" ON "subjects_subject" USING btree ("cage");--> statement-breakpoint
CREATE INDEX "subjects_subject_ear_mark_index" ON "subjects_subject" USING btree ("ear_mark");--> statement-breakpoint
CREATE INDEX "subjects_subject_protocol_number_index" ON "subjects_subject" USING btree ("protocol_number");--> statement-breakpoint
CREATE INDEX "subjects_subject_actual_severity_index" ON "subjects_subject" USING btree ("actual_severity");--> statement-breakpoint
CREATE INDEX "subjects_zygosity_subject_id_index" ON "subjects_zygosity" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "subjects_zygosity_allele_id_index" ON "subjects_zygosity" USING btree ("allele_id");--> statement-breakpoint
CREATE INDEX "subjects_zygosityrule_allele_id_index" ON "subjects_zygosityrule" USING btree ("allele_id");--> statement-breakpoint
CREATE INDEX "subjects_zygosityrule_sequence0_id_index" ON "subjects_zygosityrule" USING btree ("sequence0_id");--> statement-breakpoint
CREATE INDEX "subjects_zygosityrule_sequence1_id_index" ON "subjects_zygosityrule" USING btree ("sequence1_id");--> statement-breakpoint
CREATE INDEX "actions_chronicrecording_procedures_proceduretype_id_index" ON "actions_chronicrecording_procedures" USING btree ("proceduretype_id");--> statement-breakpoint
CREATE INDEX "actions_chronicrecording_users_labmember_id_index" ON "actions_chronicrecording_users" USING btree ("labmember_id");--> statement-breakpoint
CREATE INDEX "actions_chronicrecording_subject_id_start_time_index" ON "actions_chronicrecording" USING btree ("subject_id","start_time");--> statement-breakpoint
CREATE INDEX "actions_chronicrecording_start_time_index" ON "actions_chronicrecording" USING btree ("start_time");--> statement-breakpoint
CREATE INDEX "actions_chronicrecording_lab_id_index" ON "actions_chronicrecording" USING btree ("lab_id");--> statement-breakpoint
CREATE INDEX "actions_chronicrecording_location_id_index" ON "actions_chronicrecording" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "actions_cull_date_index" ON "actions_cull" USING btree ("date");--> statement-breakpoint
CREATE INDEX "actions_cull_cull_reason_id_index" ON "actions_cull" USING btree ("cull_reason_id");--> statement-breakpoint
CREATE INDEX "actions_cull_cull_method_id_index" ON "actions_cull" USING btree ("cull_method_id");--> statement-breakpoint
CREATE INDEX "actions_notificationrule_notification_type_index" ON "actions_notificationrule" USING btree ("notification_type");--> statement-breakpoint
CREATE INDEX "actions_notification_users_labmember_id_index" ON "actions_notification_users" USING btree ("labmember_id");--> statement-breakpoint
CREATE INDEX "actions_notification_subject_id_index" ON "actions_notification" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "actions_notification_status_send_at_index" ON "actions_notification" USING btree ("status","send_at");--> statement-breakpoint
CREATE INDEX "actions_notification_notification_type_title_index" ON "actions_notification" USING btree ("notification_type","title");--> statement-breakpoint
CREATE INDEX "actions_otheraction_procedures_proceduretype_id_index" ON "actions_otheraction_procedures" USING btree ("proceduretype_id");--> statement-breakpoint
CREATE INDEX "actions_otheraction_users_labmember_id_index" ON "actions_otheraction_users" USING btree ("labmember_id");--> statement-breakpoint
CREATE INDEX "actions_otheraction_subject_id_start_time_index" ON "actions_otheraction" USING btree ("subject_id","start_time");--> statement-breakpoint
CREATE INDEX "actions_otheraction_start_time_index" ON "actions_otheraction" USING btree ("start_time");--> statement-breakpoint
CREATE INDEX "actions_otheraction_lab_id_index" ON "actions_otheraction" USING btree ("lab_id");--> statement-breakpoint
CREATE INDEX "actions_otheraction_location_id_index" ON "actions_otheraction" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "actions_proceduretype_name_index" ON "actions_proceduretype" USING btree ("name");--> statement-breakpoint
CREATE INDEX "actions_session_procedures_proceduretype_id_index" ON "actions_session_procedures" USING btree ("proceduretype_id");--> statement-breakpoint
CREATE INDEX "actions_session_projects_project_id_index" ON "actions_session_projects" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "actions_session_users_labmember_id_index" ON "actions_session_users" USING btree ("labmember_id");--> statement-breakpoint
CREATE INDEX "actions_session_subject_id_start_time_index" ON "actions_session" USING btree ("subject_id","start_time");--> statement-breakpoint
CREATE INDEX "actions_session_start_time_index" ON "actions_session" USING btree ("start_time");--> statement-breakpoint
CREATE INDEX "actions_session_lab_id_index" ON "actions_session" USING btree ("lab_id");--> statement-breakpoint
CREATE INDEX "actions_session_location_id_index" ON "actions_session" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "actions_session_parent_session_id_index" ON "actions_session" USING btree ("parent_session_id");--> statement-breakpoint
CREATE INDEX "actions_session_number_index" ON "actions_session" USING btree ("number");--> statement-breakpoint
CREATE INDEX "actions_session_type_index" ON "actions_session" USING btree ("type");--> statement-breakpoint
CREATE INDEX "actions_session_qc_index" ON "actions_session" USING btree ("qc");--> statement-breakpoint
CREATE INDEX "actions_session_auto_datetime_index" ON "actions_session" USING btree ("auto_datetime");--> statement-breakpoint
CREATE INDEX "actions_session_end_time_index" ON "actions_session" USING btree ("end_time");--> statement-breakpoint
CREATE INDEX "actions_surgery_subject_id_start_time_index" ON "actions_surgery" USING btree ("subject_id","start_time");--> statement-breakpoint
CREATE INDEX "actions_surgery_start_time_index" ON "actions_surgery" USING btree ("start_time");--> statement-breakpoint
CREATE INDEX "actions_surgery_lab_id_index" ON "actions_surgery" USING btree ("lab_id");--> statement-breakpoint
CREATE INDEX "actions_surgery_location_id_index" ON "actions_surgery" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "actions_surgery_procedures_proceduretype_id_index" ON "actions_surgery_procedures" USING btree ("proceduretype_id");--> statement-breakpoint
CREATE INDEX "actions_surgery_users_labmember_id_index" ON "actions_surgery_users" USING btree ("labmember_id");--> statement-breakpoint
CREATE INDEX "actions_virusinjection_procedures_proceduretype_id_index" ON "actions_virusinjection_procedures" USING btree ("proceduretype_id");--> statement-breakpoint
CREATE INDEX "actions_virusinjection_users_labmember_id_index" ON "actions_virusinjection_users" USING btree ("labmember_id");--> statement-breakpoint
CREATE INDEX "actions_virusinjection_subject_id_start_time_index" ON "actions_virusinjection" USING btree ("subject_id","start_time");--> statement-breakpoint
CREATE INDEX "actions_virusinjection_start_time_index" ON "actions_virusinjection" USING btree ("start_time");--> statement-breakpoint
CREATE INDEX "actions_virusinjection_lab_id_index" ON "actions_virusinjection" USING btree ("lab_id");--> statement-breakpoint
CREATE INDEX "actions_virusinjection_location_id_index" ON "actions_virusinjection" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "actions_wateradministration_subject_id_date_time_index" ON "actions_wateradministration" USING btree ("subject_id","date_time");--> statement-breakpoint
CREATE INDEX "actions_wateradministration_session_id_index" ON "actions_wateradministration" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "actions_wateradministration_user_id_index" ON "actions_wateradministration" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "actions_wateradministration_water_type_id_index" ON "actions_wateradministration" USING btree ("water_type_id");--> statement-breakpoint
CREATE INDEX "actions_wateradministration_date_time_index" ON "actions_wateradministration" USING btree ("date_time");--> statement-breakpoint
CREATE INDEX "actions_waterrestriction_procedures_proceduretype_id_index" ON "actions_waterrestriction_procedures" USING btree ("proceduretype_id");--> statement-breakpoint
CREATE INDEX "actions_waterrestriction_users_labmember_id_index" ON "actions_waterrestriction_users" USING btree ("labmember_id");--> statement-breakpoint
CREATE INDEX "actions_waterrestriction_subject_id_start_time_index" ON "actions_waterrestriction" USING btree ("subject_id","start_time");--> statement-breakpoint
CREATE INDEX "actions_waterrestriction_start_time_index" ON "actions_waterrestriction" USING btree ("start_time");--> statement-breakpoint
CREATE INDEX "actions_waterrestriction_end_time_index" ON "actions_waterrestriction" USING btree ("end_time");--> statement-breakpoint
CREATE INDEX "actions_waterrestriction_lab_id_index" ON "actions_waterrestriction" USING btree ("lab_id");--> statement-breakpoint
CREATE INDEX "actions_waterrestriction_location_id_index" ON "actions_waterrestriction" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "actions_waterrestriction_water_type_id_index" ON "actions_waterrestriction" USING btree ("water_type_id");--> statement-breakpoint
CREATE INDEX "actions_weighing_subject_id_date_time_index" ON "actions_weighing" USING btree ("subject_id","date_time");--> statement-breakpoint
CREATE INDEX "actions_weighing_user_id_index" ON "actions_weighing" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "actions_weighing_date_time_index" ON "actions_weighing" USING btree ("date_time");--> statement-breakpoint
CREATE INDEX "data_datanotice_datasets_dataset_id_index" ON "data_datanotice_datasets" USING btree ("dataset_id");--> statement-breakpoint
CREATE INDEX "data_datanotice_importance_index" ON "data_datanotice" USING btree ("importance");--> statement-breakpoint
CREATE INDEX "data_datanotice_created_by_id_index" ON "data_datanotice" USING btree ("created_by_id");--> statement-breakpoint
CREATE INDEX "data_datanotice_name_index" ON "data_datanotice" USING btree ("name");--> statement-breakpoint
CREATE INDEX "data_datanotice_version_affected_index" ON "data_datanotice" USING btree ("version_affected");--> statement-breakpoint
CREATE INDEX "data_datanotice_affected_date_start_index" ON "data_datanotice" USING btree ("affected_date_start");--> statement-breakpoint
CREATE INDEX "data_datanotice_affected_date_end_index" ON "data_datanotice" USING btree ("affected_date_end");--> statement-breakpoint
CREATE INDEX "data_datarepository_repository_type_id_index" ON "data_datarepository" USING btree ("repository_type_id");--> statement-breakpoint
CREATE INDEX "data_datarepository_hostname_index" ON "data_datarepository" USING btree ("hostname");--> statement-breakpoint
CREATE INDEX "data_datarepository_globus_is_personal_index" ON "data_datarepository" USING btree ("globus_is_personal");--> statement-breakpoint
CREATE INDEX "data_datarepository_globus_endpoint_id_index" ON "data_datarepository" USING btree ("globus_endpoint_id");--> statement-breakpoint
CREATE INDEX "data_dataset_tags_tag_id_index" ON "data_dataset_tags" USING btree ("tag_id");--> statement-breakpoint
CREATE INDEX "data_datasettype_created_by_id_index" ON "data_datasettype" USING btree ("created_by_id");--> statement-breakpoint
CREATE INDEX "data_dataset_session_id_collection_name_index" ON "data_dataset" USING btree ("session_id","collection","name");--> statement-breakpoint
CREATE INDEX "data_dataset_session_id_id_index" ON "data_dataset" USING btree ("session_id","id");--> statement-breakpoint
CREATE INDEX "data_dataset_name_index" ON "data_dataset" USING btree ("name");--> statement-breakpoint
CREATE INDEX "data_dataset_created_by_id_index" ON "data_dataset" USING btree ("created_by_id");--> statement-breakpoint
CREATE INDEX "data_dataset_created_datetime_index" ON "data_dataset" USING btree ("created_datetime");--> statement-breakpoint
CREATE INDEX "data_dataset_provenance_directory_id_index" ON "data_dataset" USING btree ("provenance_directory_id");--> statement-breakpoint
CREATE INDEX "data_dataset_object_id_content_type_index" ON "data_dataset" USING btree ("object_id","content_type");--> statement-breakpoint
CREATE INDEX "data_dataset_dataset_type_id_index" ON "data_dataset" USING btree ("dataset_type_id");--> statement-breakpoint
CREATE INDEX "data_dataset_data_format_id_index" ON "data_dataset" USING btree ("data_format_id");--> statement-breakpoint
CREATE INDEX "data_dataset_revision_id_index" ON "data_dataset" USING btree ("revision_id");--> statement-breakpoint
CREATE INDEX "data_dataset_qc_index" ON "data_dataset" USING btree ("qc");--> statement-breakpoint
CREATE INDEX "data_dataset_hash_index" ON "data_dataset" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "data_dataset_collection_index" ON "data_dataset" USING btree ("collection");--> statement-breakpoint
CREATE INDEX "data_download_projects_project_id_index" ON "data_download_projects" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "data_download_dataset_id_index" ON "data_download" USING btree ("dataset_id");--> statement-breakpoint
CREATE INDEX "data_download_count_index" ON "data_download" USING btree ("count");--> statement-breakpoint
CREATE INDEX "data_filerecord_dataset_id_index" ON "data_filerecord" USING btree ("dataset_id");--> statement-breakpoint
CREATE INDEX "data_filerecord_relative_path_index" ON "data_filerecord" USING btree ("relative_path");--> statement-breakpoint
CREATE INDEX "data_filerecord_exists_index" ON "data_filerecord" USING btree ("exists");--> statement-breakpoint
CREATE INDEX "data_filerecord_name_index" ON "data_filerecord" USING btree ("name");--> statement-breakpoint
CREATE INDEX "misc_lab_repositories_datarepository_id_index" ON "misc_lab_repositories" USING btree ("datarepository_id");--> statement-breakpoint
CREATE INDEX "experiments_brainregion_parent_id_index" ON "experiments_brainregion" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "experiments_brainregion_tree_id_lft_index" ON "experiments_brainregion" USING btree ("tree_id","lft");--> statement-breakpoint
CREATE INDEX "experiments_brainregion_rght_index" ON "experiments_brainregion" USING btree ("rght");--> statement-breakpoint
CREATE UNIQUE INDEX "unique_axial_lateral_trajectory_estimate" ON "experiments_channel" USING btree ("axial","lateral","trajectory_estimate_id");--> statement-breakpoint
CREATE INDEX "experiments_channel_trajectory_estimate_id_index" ON "experiments_channel" USING btree ("trajectory_estimate_id");--> statement-breakpoint
CREATE INDEX "experiments_channel_brain_region_id_index" ON "experiments_channel" USING btree ("brain_region_id");--> statement-breakpoint
CREATE INDEX "experiments_chronicinsertion_subject_id_index" ON "experiments_chronicinsertion" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "experiments_chronicinsertion_lab_id_index" ON "experiments_chronicinsertion" USING btree ("lab_id");--> statement-breakpoint
CREATE INDEX "experiments_chronicinsertion_model_id_index" ON "experiments_chronicinsertion" USING btree ("model_id");--> statement-breakpoint
CREATE INDEX "experiments_chronicinsertion_serial_index" ON "experiments_chronicinsertion" USING btree ("serial");--> statement-breakpoint
CREATE INDEX "experiments_chronicinsertion_name_index" ON "experiments_chronicinsertion" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "experiments_fov_session_id_name_uniq" ON "experiments_fov" USING btree ("session_id","name");--> statement-breakpoint
CREATE INDEX "experiments_fov_imaging_type_id_index" ON "experiments_fov" USING btree ("imaging_type_id");--> statement-breakpoint
CREATE INDEX "experiments_fov_stack_id_index" ON "experiments_fov" USING btree ("stack_id");--> statement-breakpoint
CREATE INDEX "experiments_fov_name_index" ON "experiments_fov" USING btree ("name");--> statement-breakpoint
CREATE INDEX "experiments_fov_datasets_dataset_id_index" ON "experiments_fov_datasets" USING btree ("dataset_id");--> statement-breakpoint
CREATE INDEX "experiments_fovlocation_brain_region_brainregion_id_index" ON "experiments_fovlocation_brain_region" USING btree ("brainregion_id");--> statement-breakpoint
CREATE UNIQUE INDEX "unique_provenance_per_field_of_view" ON "experiments_fovlocation" USING btree ("provenance","field_of_view_id");--> statement-breakpoint
CREATE INDEX "experiments_fovlocation_field_of_view_id_index" ON "experiments_fovlocation" USING btree ("field_of_view_id");--> statement-breakpoint
CREATE INDEX "experiments_fovlocation_coordinate_system_id_index" ON "experiments_fovlocation" USING btree ("coordinate_system_id");--> statement-breakpoint
CREATE INDEX "experiments_fovlocation_default_provenance_index" ON "experiments_fovlocation" USING btree ("default_provenance");--> statement-breakpoint
CREATE INDEX "experiments_imagingstack_name_index" ON "experiments_imagingstack" USING btree ("name");--> statement-breakpoint
CREATE INDEX "experiments_probeinsertion_datasets_dataset_id_index" ON "experiments_probeinsertion_datasets" USING btree ("dataset_id");--> statement-breakpoint
CREATE UNIQUE INDEX "unique_probe_insertion_name_per_session" ON "experiments_probeinsertion" USING btree ("name","session_id");--> statement-breakpoint
CREATE INDEX "experiments_probeinsertion_session_id_index" ON "experiments_probeinsertion" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "experiments_probeinsertion_model_id_index" ON "experiments_probeinsertion" USING btree ("model_id");--> statement-breakpoint
CREATE INDEX "experiments_probeinsertion_chronic_insertion_id_index" ON "experiments_probeinsertion" USING btree ("chronic_insertion_id");--> statement-breakpoint
CREATE INDEX "experiments_probeinsertion_serial_index" ON "experiments_probeinsertion" USING btree ("serial");--> statement-breakpoint
CREATE UNIQUE INDEX "unique_trajectory_per_provenance" ON "experiments_trajectoryestimate" USING btree ("provenance","probe_insertion_id") WHERE probe_insertion_id is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "unique_trajectory_per_chronic_provenance" ON "experiments_trajectoryestimate" USING btree ("provenance","chronic_insertion_id") WHERE probe_insertion_id is null;--> statement-breakpoint
CREATE INDEX "experiments_trajectoryestimate_probe_insertion_id_index" ON "experiments_trajectoryestimate" USING btree ("probe_insertion_id");--> statement-breakpoint
CREATE INDEX "experiments_trajectoryestimate_chronic_insertion_id_index" ON "experiments_trajectoryestimate" USING btree ("chronic_insertion_id");--> statement-breakpoint
CREATE INDEX "experiments_trajectoryestimate_coordinate_system_id_index" ON "experiments_trajectoryestimate" USING btree ("coordinate_system_id");--> statement-breakpoint
CREATE INDEX "experiments_trajectoryestimate_provenance_index" ON "experiments_trajectoryestimate" USING btree ("provenance");--> statement-breakpoint
CREATE INDEX "jobs_task_parents_to_task_id_index" ON "jobs_task_parents" USING btree ("to_task_id");--> statement-breakpoint
CREATE INDEX "jobs_task_name_session_idx" ON "jobs_task" USING btree ("name","session_id");--> statement-breakpoint
CREATE INDEX "jobs_task_session_id_index" ON "jobs_task" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "jobs_task_status_index" ON "jobs_task" USING btree ("status");--> statement-breakpoint
CREATE INDEX "jobs_task_data_repository_id_index" ON "jobs_task" USING btree ("data_repository_id");--> statement-breakpoint
CREATE INDEX "jobs_task_graph_index" ON "jobs_task" USING btree ("graph");--> statement-breakpoint
CREATE INDEX "jobs_task_executable_index" ON "jobs_task" USING btree ("executable");--> statement-breakpoint
CREATE INDEX "jobs_task_version_index" ON "jobs_task" USING btree ("version");--> statement-breakpoint
CREATE INDEX "jobs_task_datetime_index" ON "jobs_task" USING btree ("datetime");--> statement-breakpoint
CREATE INDEX "jobs_task_level_priority_index" ON "jobs_task" USING btree ("level","priority");