// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Root or polkit (org.freedesktop.PolicyKit1.Authority.CheckAuthorization),
 * asynchronously: the daemon keeps serving while polkit asks the user.
 */
#include <errno.h>
#include <stdbool.h>
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
	sd_bus_message_unref(q->call);
	if (q->free_userdata)
		q->free_userdata(q->userdata);
	free(q->action);
	free(q);
}

/* 1 when the bus itself vouches that the caller's effective uid is 0. */
static int caller_is_root(sd_bus_message *call)
{
	_cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
	uid_t euid;
	int r;

	r = sd_bus_query_sender_creds(call, SD_BUS_CREDS_EUID, &creds);
	if (r < 0)
		return r;
	if (sd_bus_creds_get_augmented_mask(creds) & SD_BUS_CREDS_EUID)
		return 0;
	r = sd_bus_creds_get_euid(creds, &euid);
	if (r < 0)
		return r;
	return euid == 0;
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

int auth_check(struct auth *a, sd_bus_message *call, const char *action,
	       unsigned int flags, auth_continue_t fn, void *userdata,
	       void (*free_userdata)(void *), sd_bus_error *error)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *pk = NULL;
	sd_bus *bus = sd_bus_message_get_bus(call);
	const char *sender = sd_bus_message_get_sender(call);
	struct auth_query *q;
	int r;

	r = caller_is_root(call);
	if (r > 0) {
		r = fn(call, userdata, error);
		goto done;
	}
	if (r < 0 || !sender) {
		r = deny(error, action,
			 "the bus did not vouch for the caller's user id");
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
		/* No details, the flags, no cancellation id. */
		r = sd_bus_message_append(
			pk, "a{ss}us", 0,
			flags & AUTH_ALLOW_USER_INTERACTION ?
				POLKIT_ALLOW_USER_INTERACTION : 0u,
			"");
	if (r < 0)
		goto done;

	q = calloc(1, sizeof(*q));
	if (!q) {
		r = -ENOMEM;
		goto done;
	}
	q->auth = a;
	q->next = a->pending;
	a->pending = q;
	q->call = sd_bus_message_ref(call);
	q->fn = fn;
	q->action = strdup(action);
	if (!q->action) {
		query_free(q);
		r = -ENOMEM;
		goto done;
	}
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

void auth_done(struct auth *a)
{
	while (a->pending)
		query_free(a->pending);
}
