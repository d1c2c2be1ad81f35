CREATE TABLE "alyx_audit" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"datetime" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	"user_id" uuid,
	"username" varchar(150) DEFAULT '' NOT NULL,
	"channel" varchar(16) NOT NULL,
	"client" varchar(255) DEFAULT '' NOT NULL,
	"action" varchar(16) NOT NULL,
	"model" varchar(100) NOT NULL,
	"object_id" varchar(64) DEFAULT '' NOT NULL,
	"repr" varchar(255) DEFAULT '' NOT NULL,
	"changes" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alyx_scheduled_job_run" (
	"job" varchar(64) PRIMARY KEY NOT NULL,
	"last_started_at" timestamp with time zone,
	"last_finished_at" timestamp with time zone,
	"started_by" varchar(255),
	"outcome" text,
	"runs" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "authtoken_token" ADD COLUMN "encrypted" text;--> statement-breakpoint
CREATE INDEX "alyx_audit_datetime_idx" ON "alyx_audit" USING btree ("datetime");--> statement-breakpoint
CREATE INDEX "alyx_audit_object_idx" ON "alyx_audit" USING btree ("object_id");--> statement-breakpoint
CREATE INDEX "alyx_audit_username_idx" ON "alyx_audit" USING btree ("username");--> statement-breakpoint
CREATE INDEX "alyx_audit_model_idx" ON "alyx_audit" USING btree ("model");--> statement-breakpoint
CREATE INDEX "data_dataset_session_id_dataset_type_id_index" ON "data_dataset" USING btree ("session_id","dataset_type_id");--> statement-breakpoint
CREATE INDEX "data_dataset_session_id_name_index" ON "data_dataset" USING btree ("session_id","name");