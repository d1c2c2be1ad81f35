CREATE TABLE "alyx_seed_version" (
	"app" varchar(64) PRIMARY KEY NOT NULL,
	"hash" varchar(64) NOT NULL,
	"seeded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "actions_notification" ADD COLUMN "send_error" text;