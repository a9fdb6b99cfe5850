// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Root or polkit (org.freedesktop.PolicyKit1.Authority.CheckAuthorization),
 * asynchronously: the daemon keeps serving while polkit asks the user.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <cleanup.h>

#include "auth.h"
#include "log.h"
#include "util.h"

/* polkit's CheckAuthorization flags. */
#define POLKIT_ALLOW_USER_INTERACTION 1u

/* Long enough for a person to type a password. */
#define POLKIT_INTERACTIVE_TIMEOUT (5 * 60 * USEC_PER_SEC)

struct auth_query {
	struct auth *auth;
	struct auth_query *next;
	sd_bus_message *call;
	sd_bus_slot *slot;
	sd_bus_slot *gone_slot;	/* NameOwnerChanged of the caller */
	uid_t uid;
	char cancel_id[32];
	char *action;
	auth_continue_t fn;
	void *userdata;
	void (*free_userdata)(void *);
};

static void query_free(struct auth_query *q)
{
	struct auth_query **p;

	if (!q)
		return;
	for (p = &q->auth->pending; *p; p = &(*p)->next)
		if (*p == q) {
			*p = q->next;
			break;
		}
	sd_bus_slot_unref(q->slot);
	sd_bus_slot_unref(q->gone_slot);
	sd_bus_message_unref(q->call);
	if (q->free_userdata)
		q->free_userdata(q->userdata);
	free(q->action);
	free(q);
}

/*
 * The caller's effective uid as the bus itself vouches for it: -EPERM
 * when only /proc could say (sd-bus "augmented" it).
 */
int auth_caller_euid(sd_bus_message *call, uid_t *ret)
{
	_cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
	int r;

	r = sd_bus_query_sender_creds(call, SD_BUS_CREDS_EUID, &creds);
	if (r < 0)
		return r;
	if (sd_bus_creds_get_augmented_mask(creds) & SD_BUS_CREDS_EUID)
		return -EPERM;
	return sd_bus_creds_get_euid(creds, ret);
}

/* What the bus said of one caller: its uid, or that only /proc could. */
struct auth_creds {
	struct auth_creds *next;
	char *sender;		/* its unique name */
	uid_t uid;
	int r;			/* 0, or -EPERM: not vouched for */
};

static void creds_free(struct auth_creds *e)
{
	free(e->sender);
	free(e);
}

static int on_name_owner_changed(sd_bus_message *m, void *userdata,
				 sd_bus_error *ret_error)
{
	struct auth *a = userdata;
	const char *name, *old_owner, *new_owner;
	struct auth_creds **p;

	if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0 ||
	    name[0] != ':' || new_owner[0])
		return 0;
	for (p = &a->creds; *p; p = &(*p)->next)
		if (streq((*p)->sender, name)) {
			struct auth_creds *e = *p;

			*p = e->next;
			creds_free(e);
			a->n_creds--;
			break;
		}
	return 0;
}

static int on_gone_watch_installed(sd_bus_message *m, void *userdata,
				   sd_bus_error *ret_error)
{
	/* Without it entries go only when the cache is full: still true. */
	if (sd_bus_message_is_method_error(m, NULL))
		log_debug("cannot watch callers leave: %s",
			  sd_bus_message_get_error(m)->message ?:
				  sd_bus_message_get_error(m)->name);
	return 0;
}

int auth_caller_uid(struct auth *a, sd_bus_message *call, uid_t *ret)
{
	const char *sender = sd_bus_message_get_sender(call);
	struct auth_creds **p, *e;
	uid_t uid = (uid_t)-1;
	int r;

	/* A direct connection has no sender to key on: ask every time. */
	if (!sender || sender[0] != ':')
		return auth_caller_euid(call, ret);
	for (p = &a->creds; *p; p = &(*p)->next)
		if (streq((*p)->sender, sender)) {
			e = *p;
			/* To the front: the least recently used is last. */
			*p = e->next;
			e->next = a->creds;
			a->creds = e;
			if (e->r < 0)
				return e->r;
			*ret = e->uid;
			return 0;
		}

	r = auth_caller_euid(call, &uid);
	/* Another error (the caller went, ENOMEM) is not the caller's. */
	if (r < 0 && r != -EPERM)
		return r;
	if (!a->gone_slot)
		(void)sd_bus_match_signal_async(sd_bus_message_get_bus(call),
						&a->gone_slot,
						"org.freedesktop.DBus",
						"/org/freedesktop/DBus",
						"org.freedesktop.DBus",
						"NameOwnerChanged",
						on_name_owner_changed,
						on_gone_watch_installed, a);
	e = calloc(1, sizeof(*e));
	if (e)
		e->sender = strdup(sender);
	if (e && e->sender) {
		e->uid = uid;
		e->r = r;
		e->next = a->creds;
		a->creds = e;
		if (++a->n_creds > AUTH_CREDS_MAX) {
			for (p = &a->creds; (*p)->next; p = &(*p)->next)
				;
			creds_free(*p);
			*p = NULL;
			a->n_creds--;
		}
	} else if (e) {
		free(e);
	}
	if (r < 0)
		return r;
	*ret = uid;
	return 0;
}

static unsigned int pending_of(const struct auth *a, uid_t uid)
{
	const struct auth_query *q;
	unsigned int n = 0;

	for (q = a->pending; q; q = q->next)
		n += q->uid == uid;
	return n;
}

static int deny(sd_bus_error *error, const char *action, const char *why)
{
	return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
				 "Not authorised to perform '%s': %s.", action,
				 why);
}

/* Decides from polkit's reply; fills @error when the answer is no. */
static int read_verdict(struct auth_query *q, sd_bus_message *reply,
			sd_bus_error *error)
{
	int authorized, challenge, r;

	if (sd_bus_message_is_method_error(reply, NULL)) {
		const sd_bus_error *e = sd_bus_message_get_error(reply);

		if (sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN,
					   SD_BUS_ERROR_NAME_HAS_NO_OWNER))
			return deny(error, q->action,
				    "polkit is not running and the caller is not root");
		log_warning("polkit could not check '%s': %s", q->action,
			    e->message ? e->message : e->name);
		return deny(error, q->action,
			    "polkit could not check the authorisation (see the daemon's log)");
	}

	r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
	if (r >= 0)
		r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
	if (r < 0)
		return sd_bus_error_set_errnof(error, r,
					       "Cannot read polkit's answer: %m");
	if (authorized)
		return 1;
	if (challenge)
		return sd_bus_error_setf(error,
					 SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED,
					 "Authentication is required to perform '%s', and the caller asked not to be asked (auth.no_user_interaction).",
					 q->action);
	return deny(error, q->action, "polkit denied it");
}

static int on_polkit_reply(sd_bus_message *reply, void *userdata,
			   sd_bus_error *ret_error)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	struct auth_query *q = userdata;
	int r;

	r = read_verdict(q, reply, &error);
	if (r > 0)
		r = q->fn(q->call, q->userdata, &error);
	if (r < 0) {
		if (sd_bus_error_is_set(&error))
			r = sd_bus_reply_method_error(q->call, &error);
		else
			r = sd_bus_reply_method_errno(q->call, r, NULL);
		if (r < 0)
			log_errno(LOG_DEBUG, r, "cannot reply to %s",
				  sd_bus_message_get_sender(q->call));
	}
	query_free(q);
	return 0;
}

/*
 * The caller left the bus while polkit was asked: its request is dropped
 * (it could not hear the outcome, and nobody should find a namespace
 * made for a client that is gone), and polkit stops asking the user.
 */
static int on_caller_gone(sd_bus_message *m, void *userdata,
			  sd_bus_error *ret_error)
{
	struct auth_query *q = userdata;
	const char *name, *old_owner, *new_owner;
	int r;

	r = sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner);
	if (r < 0 || *new_owner)
		return 0;
	log_info("%s left before polkit decided on '%s': request cancelled",
		 name, q->action);
	r = sd_bus_call_method_async(sd_bus_message_get_bus(q->call), NULL,
				     "org.freedesktop.PolicyKit1",
				     "/org/freedesktop/PolicyKit1/Authority",
				     "org.freedesktop.PolicyKit1.Authority",
				     "CancelCheckAuthorization", NULL, NULL,
				     "s", q->cancel_id);
	if (r < 0)
		log_errno(LOG_DEBUG, r, "cannot cancel polkit's check");
	query_free(q);
	return 0;
}

/* Without the watch the request still runs; only a leaver is not noticed. */
static int on_watch_installed(sd_bus_message *m, void *userdata,
			      sd_bus_error *ret_error)
{
	if (sd_bus_message_is_method_error(m, NULL))
		log_debug("cannot watch the caller leave: %s",
			  sd_bus_message_get_error(m)->message ?:
				  sd_bus_message_get_error(m)->name);
	return 0;
}

static int watch_caller(struct auth_query *q, sd_bus *bus, const char *sender)
{
	_cleanup_free_ char *match = NULL;

	if (asprintf(&match,
		     "type='signal',sender='org.freedesktop.DBus',"
		     "path='/org/freedesktop/DBus',"
		     "interface='org.freedesktop.DBus',"
		     "member='NameOwnerChanged',arg0='%s'", sender) < 0)
		return -ENOMEM;
	return sd_bus_add_match_async(bus, &q->gone_slot, match, on_caller_gone,
				      on_watch_installed, q);
}

static int append_details(sd_bus_message *pk, const char *const *details)
{
	size_t i;
	int r;

	r = sd_bus_message_open_container(pk, 'a', "{ss}");
	for (i = 0; r >= 0 && details && details[i] && details[i + 1] &&
		    i < 2 * AUTH_DETAILS_MAX; i += 2)
		r = sd_bus_message_append(pk, "{ss}", details[i],
					  details[i + 1]);
	if (r >= 0)
		r = sd_bus_message_close_container(pk);
	return r;
}

int auth_check_details(struct auth *a, sd_bus_message *call,
		       const char *action, unsigned int flags,
		       const char *const *details, auth_continue_t fn,
		       void *userdata, void (*free_userdata)(void *),
		       sd_bus_error *error)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *pk = NULL;
	sd_bus *bus = sd_bus_message_get_bus(call);
	const char *sender = sd_bus_message_get_sender(call);
	struct auth_query *q;
	uid_t uid;
	int r;

	r = auth_caller_uid(a, call, &uid);
	if (r >= 0 && uid == 0) {
		r = fn(call, userdata, error);
		goto done;
	}
	/* Only /proc said who it is: not root then, polkit decides. */
	if (r == -EPERM) {
		uid = (uid_t)-1;
		r = 0;
	}
	if (r < 0 || !sender) {
		r = deny(error, action,
			 "the bus did not vouch for the caller's user id");
		goto done;
	}
	if (pending_of(a, uid) >= AUTH_PENDING_PER_UID_MAX) {
		log_warning("Refused '%s' for %s: user %u has %u requests waiting for polkit already",
			    action, sender, (unsigned int)uid,
			    AUTH_PENDING_PER_UID_MAX);
		r = sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
				      "User %u has %u requests waiting for authorisation already; try again once they are answered.",
				      (unsigned int)uid, AUTH_PENDING_PER_UID_MAX);
		goto done;
	}

	q = calloc(1, sizeof(*q));
	if (!q) {
		r = -ENOMEM;
		goto done;
	}
	q->auth = a;
	q->next = a->pending;
	a->pending = q;
	q->uid = uid;
	q->call = sd_bus_message_ref(call);
	q->fn = fn;
	snprintf(q->cancel_id, sizeof(q->cancel_id), "daxmapd-%lu",
		 ++a->next_id);
	q->action = strdup(action);
	if (!q->action) {
		query_free(q);
		r = -ENOMEM;
		goto done;
	}

	r = sd_bus_message_new_method_call(bus, &pk,
					   "org.freedesktop.PolicyKit1",
					   "/org/freedesktop/PolicyKit1/Authority",
					   "org.freedesktop.PolicyKit1.Authority",
					   "CheckAuthorization");
	if (r >= 0)
		r = sd_bus_message_append(pk, "(sa{sv})s", "system-bus-name",
					  1, "name", "s", sender, action);
	if (r >= 0)
		r = append_details(pk, details);
	if (r >= 0)
		r = sd_bus_message_append(
			pk, "us",
			flags & AUTH_ALLOW_USER_INTERACTION ?
				POLKIT_ALLOW_USER_INTERACTION : 0u,
			q->cancel_id);
	if (r >= 0)
		r = watch_caller(q, bus, sender);
	if (r >= 0)
		r = sd_bus_call_async(bus, &q->slot, pk, on_polkit_reply, q,
				      flags & AUTH_ALLOW_USER_INTERACTION ?
					      POLKIT_INTERACTIVE_TIMEOUT : 0);
	if (r < 0) {
		query_free(q);
		goto done;
	}
	/* From here the query owns @userdata. */
	q->userdata = userdata;
	q->free_userdata = free_userdata;
	return 1;

done:
	if (free_userdata)
		free_userdata(userdata);
	return r;
}

int auth_check(struct auth *a, sd_bus_message *call, const char *action,
	       unsigned int flags, auth_continue_t fn, void *userdata,
	       void (*free_userdata)(void *), sd_bus_error *error)
{
	return auth_check_details(a, call, action, flags, NULL, fn, userdata,
				  free_userdata, error);
}

void auth_done(struct auth *a)
{
	struct auth_creds *e;

	while (a->pending)
		query_free(a->pending);
	a->gone_slot = sd_bus_slot_unref(a->gone_slot);
	while ((e = a->creds)) {
		a->creds = e->next;
		creds_free(e);
	}
	a->n_creds = 0;
}
