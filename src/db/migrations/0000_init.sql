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
CREATE INDEX "subjects_zygosityrule_sequence1_id_index" ON "subjects_zygosityrule" USING btree ("sequence1_id");