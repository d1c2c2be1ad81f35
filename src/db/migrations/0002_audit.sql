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
CREATE INDEX "alyx_audit_datetime_idx" ON "alyx_audit" USING btree ("datetime");--> statement-breakpoint
CREATE INDEX "alyx_audit_object_idx" ON "alyx_audit" USING btree ("object_id");--> statement-breakpoint
CREATE INDEX "alyx_audit_username_idx" ON "alyx_audit" USING btree ("username");--> statement-breakpoint
CREATE INDEX "alyx_audit_model_idx" ON "alyx_audit" USING btree ("model");