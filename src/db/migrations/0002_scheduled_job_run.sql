CREATE TABLE "alyx_scheduled_job_run" (
	"job" varchar(64) PRIMARY KEY NOT NULL,
	"last_started_at" timestamp with time zone,
	"last_finished_at" timestamp with time zone,
	"started_by" varchar(255),
	"outcome" text,
	"runs" integer DEFAULT 0 NOT NULL
);
