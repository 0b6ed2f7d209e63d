/* SPDX-License-Identifier: MIT */
/*
 * Sessions and generated secrets in SQLite. WAL with synchronous=FULL, one
 * BEGIN IMMEDIATE transaction per change, and a change is reported done
 * only after COMMIT returned: an acknowledged change survives a crash, an
 * unacknowledged one is all there or not at all. One connection, used
 * under a mutex: the service's changes are small and SQLite writes one at
 * a time anyway.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <openssl/rand.h>
#include "cas/cas.h"

struct encl_cas_db {
	sqlite3 *h;
	pthread_mutex_t lock;
};

static const char schema[] =
	"CREATE TABLE sessions (name TEXT PRIMARY KEY, owner TEXT NOT NULL,"
	" hash TEXT NOT NULL, yaml BLOB NOT NULL);"
	"CREATE TABLE secrets (session TEXT NOT NULL, name TEXT NOT NULL, value BLOB NOT NULL,"
	" PRIMARY KEY (session, name));";

static int db_fail(struct encl_cas_db *db, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "database: %s: %s", what, sqlite3_errmsg(db->h));
	return -1;
}

static int exec(struct encl_cas_db *db, const char *sql, char *err, size_t errlen)
{
	return sqlite3_exec(db->h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 :
	       db_fail(db, sql, err, errlen);
}

static int user_version(struct encl_cas_db *db, int *v)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*v = sqlite3_column_int(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

struct encl_cas_db *encl_cas_db_open(const char *path, char *err, size_t errlen)
{
	struct encl_cas_db *db = calloc(1, sizeof(*db));
	int v;

	if (!db) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&db->lock, NULL);
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, db->h ? sqlite3_errmsg(db->h) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db->h, 5000);
	if (exec(db, "PRAGMA journal_mode=WAL", err, errlen) ||
	    exec(db, "PRAGMA synchronous=FULL", err, errlen) ||
	    exec(db, "BEGIN IMMEDIATE", err, errlen))
		goto fail;
	if (user_version(db, &v)) {
		db_fail(db, path, err, errlen);
		goto rollback;
	}
	if (v == 0) {
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", ENCL_CAS_SCHEMA_VERSION);
		if (exec(db, schema, err, errlen) || exec(db, sql, err, errlen))
			goto rollback;
	} else if (v != ENCL_CAS_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: schema version %d, but this encl reads version %d; "
			 "use the encl that wrote it", path, v, ENCL_CAS_SCHEMA_VERSION);
		goto rollback;
	}
	if (exec(db, "COMMIT", err, errlen))
		goto rollback;
	return db;
rollback:
	sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
fail:
	encl_cas_db_close(db);
	return NULL;
}

void encl_cas_db_close(struct encl_cas_db *db)
{
	if (!db)
		return;
	sqlite3_close(db->h);
	pthread_mutex_destroy(&db->lock);
	free(db);
}

int encl_cas_db_check(struct encl_cas_db *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (sqlite3_prepare_v2(db->h, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "integrity_check", err, errlen);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(st, 0);

		if (r && !strcmp(r, "ok"))
			rc = 0;
		else
			snprintf(err, errlen, "integrity check: %s", r ? r : "no answer");
	} else {
		db_fail(db, "integrity_check", err, errlen);
	}
	sqlite3_finalize(st);
	return rc;
}

static int get_locked(struct encl_cas_db *db, const char *name, struct encl_cas_stored *out,
		      char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	if (sqlite3_prepare_v2(db->h, "SELECT owner, hash, yaml FROM sessions WHERE name = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "select", err, errlen);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		snprintf(err, errlen, "unknown session '%s'", name);
		rc = 1;
	} else if (rc == SQLITE_ROW) {
		const void *y = sqlite3_column_blob(st, 2);

		out->len = sqlite3_column_bytes(st, 2);
		snprintf(out->owner, sizeof(out->owner), "%s", sqlite3_column_text(st, 0));
		snprintf(out->hash, sizeof(out->hash), "%s", sqlite3_column_text(st, 1));
		out->yaml = malloc(out->len + 1);
		if (!out->yaml) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		} else {
			memcpy(out->yaml, y, out->len);
			out->yaml[out->len] = 0;
			rc = 0;
		}
	} else {
		rc = db_fail(db, "select", err, errlen);
	}
	sqlite3_finalize(st);
	return rc;
}

int encl_cas_db_get(struct encl_cas_db *db, const char *name, struct encl_cas_stored *out,
		    char *err, size_t errlen)
{
	int rc;

	pthread_mutex_lock(&db->lock);
	rc = get_locked(db, name, out, err, errlen);
	pthread_mutex_unlock(&db->lock);
	return rc;
}

void encl_cas_stored_free(struct encl_cas_stored *s)
{
	free(s->yaml);
	s->yaml = NULL;
}

/*
 * ascii secrets are letters and digits, hex ones any bytes (sent as hex),
 * binary ones any bytes but NUL, which no environment value can hold.
 * Rejection, not modulo, so that every value is equally likely.
 */
static int generate(const struct encl_policy_secret *s, uint8_t *v)
{
	static const char alnum[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	size_t i = 0;
	uint8_t b;

	if (s->kind == ENCL_SECRET_HEX)
		return RAND_bytes(v, s->size) == 1 ? 0 : -1;
	while (i < s->size) {
		if (RAND_bytes(&b, 1) != 1)
			return -1;
		if (s->kind == ENCL_SECRET_BINARY && b)
			v[i++] = b;
		else if (s->kind == ENCL_SECRET_ASCII && b < 248)	/* 248 = 4 * 62 */
			v[i++] = alnum[b % 62];
	}
	return 0;
}

static int step_done(struct encl_cas_db *db, sqlite3_stmt *st, const char *what,
		     char *err, size_t errlen)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(db, what, err, errlen);

	sqlite3_finalize(st);
	return rc;
}

/* Each generated secret the session does not have yet; those it has are kept. */
static int add_secrets(struct encl_cas_db *db, const struct encl_policy *p,
		       char *err, size_t errlen)
{
	uint8_t v[ENCL_SECRET_SIZE_MAX];
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < p->nsecret; i++) {
		const struct encl_policy_secret *s = &p->secret[i];

		if (s->value)
			continue;
		if (generate(s, v)) {
			snprintf(err, errlen, "cannot generate secret '%s': no randomness", s->name);
			return -1;
		}
		if (sqlite3_prepare_v2(db->h, "INSERT OR IGNORE INTO secrets (session, name, value)"
				       " VALUES (?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
			return db_fail(db, "insert secret", err, errlen);
		sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, s->name, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, v, s->size, SQLITE_TRANSIENT);
		if (step_done(db, st, "insert secret", err, errlen))
			return -1;
	}
	OPENSSL_cleanse(v, sizeof(v));
	return 0;
}

/* Refusals about an existing session: its owner, then its version. */
static int owned(const struct encl_cas_stored *cur, const char *name, const char *owner,
		 char *err, size_t errlen)
{
	if (strcmp(cur->owner, owner)) {
		snprintf(err, errlen, "not the owner: session '%s' belongs to another client key",
			 name);
		return 1;
	}
	return 0;
}

static int put_locked(struct encl_cas_db *db, const struct encl_policy *p, const char *owner,
		      const char *hash, const char *yaml, size_t len, const char *predecessor,
		      char *err, size_t errlen)
{
	struct encl_cas_stored cur;
	sqlite3_stmt *st;
	int rc = get_locked(db, p->name, &cur, err, errlen);

	if (rc < 0)
		return -1;
	if (!predecessor && rc == 0) {
		if (!strcmp(cur.owner, owner))
			snprintf(err, errlen, "session '%s' exists; update it with predecessor: %s",
				 p->name, cur.hash);
		else
			snprintf(err, errlen, "session '%s' exists and belongs to another client key",
				 p->name);
		encl_cas_stored_free(&cur);
		return 1;
	}
	if (predecessor) {
		if (rc)
			return 1;	/* unknown session */
		rc = owned(&cur, p->name, owner, err, errlen);
		if (!rc && strcmp(cur.hash, predecessor)) {
			snprintf(err, errlen, "stale predecessor %s: session '%s' is at version %s",
				 predecessor, p->name, cur.hash);
			rc = 1;
		}
		encl_cas_stored_free(&cur);
		if (rc)
			return rc;
	}
	if (sqlite3_prepare_v2(db->h, "INSERT OR REPLACE INTO sessions (name, owner, hash, yaml)"
			       " VALUES (?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "insert session", err, errlen);
	sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, owner, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, yaml, len, SQLITE_STATIC);
	if (step_done(db, st, "insert session", err, errlen))
		return -1;
	return add_secrets(db, p, err, errlen);
}

/* BEGIN IMMEDIATE, @body, then COMMIT or ROLLBACK: the one shape of a change. */
#define TRANSACTION(db, err, errlen, body) ({					\
	int rc_;								\
	pthread_mutex_lock(&(db)->lock);					\
	rc_ = exec((db), "BEGIN IMMEDIATE", (err), (errlen));			\
	if (!rc_) {								\
		rc_ = (body);							\
		if (!rc_ && exec((db), "COMMIT", (err), (errlen)))		\
			rc_ = -1;						\
		if (rc_)							\
			sqlite3_exec((db)->h, "ROLLBACK", NULL, NULL, NULL);	\
	}									\
	pthread_mutex_unlock(&(db)->lock);					\
	rc_;									\
})

int encl_cas_db_put(struct encl_cas_db *db, const struct encl_policy *p, const char *owner,
		    const char *hash, const char *yaml, size_t len, const char *predecessor,
		    char *err, size_t errlen)
{
	return TRANSACTION(db, err, errlen,
			   put_locked(db, p, owner, hash, yaml, len, predecessor, err, errlen));
}

static int delete_locked(struct encl_cas_db *db, const char *name, const char *owner,
			 char *err, size_t errlen)
{
	static const char *const sql[] = {
		"DELETE FROM sessions WHERE name = ?",
		"DELETE FROM secrets WHERE session = ?",
	};
	struct encl_cas_stored cur;
	sqlite3_stmt *st;
	size_t i;
	int rc = get_locked(db, name, &cur, err, errlen);

	if (rc)
		return rc;
	rc = owned(&cur, name, owner, err, errlen);
	encl_cas_stored_free(&cur);
	if (rc)
		return rc;
	for (i = 0; i < 2; i++) {
		if (sqlite3_prepare_v2(db->h, sql[i], -1, &st, NULL) != SQLITE_OK)
			return db_fail(db, "delete", err, errlen);
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		if (step_done(db, st, "delete", err, errlen))
			return -1;
	}
	return 0;
}

int encl_cas_db_delete(struct encl_cas_db *db, const char *name, const char *owner,
		       char *err, size_t errlen)
{
	return TRANSACTION(db, err, errlen, delete_locked(db, name, owner, err, errlen));
}

void encl_cas_secrets_free(struct encl_cas_secret_value *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		if (v[i].v)
			OPENSSL_cleanse(v[i].v, v[i].len);
		free(v[i].v);
	}
	free(v);
}

int encl_cas_db_secrets(struct encl_cas_db *db, const char *name,
			struct encl_cas_secret_value **out, size_t *n, char *err, size_t errlen)
{
	struct encl_cas_secret_value *v = NULL, *grown;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	pthread_mutex_lock(&db->lock);
	if (sqlite3_prepare_v2(db->h, "SELECT name, value FROM secrets WHERE session = ?",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(db, "select secrets", err, errlen);
		goto out;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t len = sqlite3_column_bytes(st, 1);

		grown = realloc(v, (*n + 1) * sizeof(*v));
		if (!grown)
			break;
		v = grown;
		v[*n].name = strdup((const char *)sqlite3_column_text(st, 0));
		v[*n].v = malloc(len ? len : 1);
		v[*n].len = len;
		(*n)++;
		if (!v[*n - 1].name || !v[*n - 1].v)
			break;
		memcpy(v[*n - 1].v, sqlite3_column_blob(st, 1), len);
	}
	if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		if (rc == SQLITE_ROW)
			snprintf(err, errlen, "out of memory");
		else
			db_fail(db, "select secrets", err, errlen);
		rc = -1;
		encl_cas_secrets_free(v, *n);
		v = NULL;
		*n = 0;
	}
	sqlite3_finalize(st);
out:
	pthread_mutex_unlock(&db->lock);
	*out = v;
	return rc;
}
