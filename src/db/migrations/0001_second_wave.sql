CREATE TABLE "data_ingestissue" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"data_repository_id" uuid NOT NULL,
	"relative_path" varchar(1000) NOT NULL,
	"directory" varchar(1000) NOT NULL,
	"session_path" varchar(1000) DEFAULT '' NOT NULL,
	"reason" varchar(32) NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"info" jsonb,
	"first_seen" timestamp NOT NULL,
	"last_seen" timestamp NOT NULL,
	CONSTRAINT "data_ingestissue_repository_path_reason_uniq" UNIQUE("data_repository_id","relative_path","reason")
);
--> statement-breakpoint
CREATE TABLE "data_scanstate" (
	"data_repository_id" uuid NOT NULL,
	"path" varchar(1000) NOT NULL,
	"mtime_ms" double precision NOT NULL,
	"subdirs" jsonb NOT NULL,
	"scanned" timestamp NOT NULL,
	CONSTRAINT "data_scanstate_data_repository_id_path_pk" PRIMARY KEY("data_repository_id","path")
);
--> statement-breakpoint
CREATE TABLE "alyx_seed_version" (
	"app" varchar(64) PRIMARY KEY NOT NULL,
	"hash" varchar(64) NOT NULL,
	"seeded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "actions_notification" ADD COLUMN "send_error" text;--> statement-breakpoint
ALTER TABLE "data_ingestissue" ADD CONSTRAINT "data_ingestissue_data_repository_id_data_datarepository_id_fk" FOREIGN KEY ("data_repository_id") REFERENCES "public"."data_datarepository"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_scanstate" ADD CONSTRAINT "data_scanstate_data_repository_id_data_datarepository_id_fk" FOREIGN KEY ("data_repository_id") REFERENCES "public"."data_datarepository"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "data_ingestissue_data_repository_id_directory_index" ON "data_ingestissue" USING btree ("data_repository_id","directory");--> statement-breakpoint
CREATE INDEX "data_ingestissue_reason_index" ON "data_ingestissue" USING btree ("reason");--> statement-breakpoint
CREATE INDEX "data_ingestissue_session_path_index" ON "data_ingestissue" USING btree ("session_path");