CREATE TABLE "actions_subject_session_projects" (
	"subject_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"sessions" integer NOT NULL,
	CONSTRAINT "actions_subject_session_projects_subject_id_project_id_pk" PRIMARY KEY("subject_id","project_id")
);
