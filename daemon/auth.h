/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Authorisation of the methods that change something. Reads need none.
 *
 * A caller is allowed when the bus says its effective uid is 0, or when
 * polkit, asked asynchronously, authorises the polkit action of the
 * operation (systemd/org.daxmap1.policy) for it. Anything else, polkit
 * not running included, is org.freedesktop.DBus.Error.AccessDenied.
 *
 * The uid comes from the bus driver (GetConnectionCredentials), never
 * from /proc/PID: sd-bus may "augment" credentials by reading /proc, and
 * a PID can be reused or exec a setuid binary between the call and the
 * read. For the same reason polkit gets the caller as a system-bus-name
 * subject, which it resolves with the bus itself, and never as a PID.
 *
 * Use from a method handler, after the arguments were read and validated
 * and before anything is changed:
 *
 *	return auth_check(&c->auth, m, "org.daxmap1.destroy-namespace",
 *			  no_user_interaction ? 0 : AUTH_ALLOW_USER_INTERACTION,
 *			  destroy_authorized, req, request_free, error);
 *
 * destroy_authorized(m, req, error) then does the work and replies, like
 * a method handler: it runs right away for root, or when polkit says yes,
 * and the objects it acts on must be looked up again there, since the
 * world may have changed while polkit asked the user.
 */
#ifndef DAXMAPD_AUTH_H
#define DAXMAPD_AUTH_H

#include <sys/types.h>

#include <systemd/sd-bus.h>

struct auth_query;

/*
 * How many of one user's requests may wait for polkit at once. Beyond it
 * a request is refused with org.freedesktop.DBus.Error.LimitsExceeded, so
 * that one user cannot keep polkit busy for everybody else.
 */
#define AUTH_PENDING_PER_UID_MAX 16

/* The most details (key, value pairs) polkit is shown for a request. */
#define AUTH_DETAILS_MAX 8

/*
 * How many callers' uids are kept (auth_caller_uid()). A connection's uid
 * is fixed when it connects and unique names are never reused on a bus,
 * so an entry stays true; it goes when its caller leaves, or, past this,
 * the least recently used does.
 */
#define AUTH_CREDS_MAX 256

struct auth_creds;

/* The queries waiting for polkit and the callers' uids known;
 * zero-initialised, auth_done() at exit. */
struct auth {
	struct auth_query *pending;
	unsigned long next_id;	/* for polkit's cancellation ids */
	struct auth_creds *creds;	/* most recently used first */
	unsigned int n_creds;
	sd_bus_slot *gone_slot;	/* NameOwnerChanged: callers leaving */
};

enum auth_flags {
	/* polkit may ask the user for a password (unless the caller passed
	 * auth.no_user_interaction). */
	AUTH_ALLOW_USER_INTERACTION = 1 << 0,
};

/*
 * Runs like a method handler: returns >= 0 once it replied to @call, or
 * < 0 with @error set (the reply is then sent for it).
 */
typedef int (*auth_continue_t)(sd_bus_message *call, void *userdata,
			       sd_bus_error *error);

/*
 * Authorises @call for the polkit @action, then runs @fn(@call, @userdata).
 * Returns what the method handler returns: @fn's result when decided at
 * once, 1 while polkit is asked (the reply comes later), or < 0 with
 * @error set when refused at once. @free_userdata (may be NULL) frees
 * @userdata once @fn ran or will never run.
 */
int auth_check(struct auth *a, sd_bus_message *call, const char *action,
	       unsigned int flags, auth_continue_t fn, void *userdata,
	       void (*free_userdata)(void *), sd_bus_error *error);

/*
 * The caller's effective uid as the bus itself vouches for it; -EPERM
 * when only /proc could say (then it is not to be trusted).
 */
int auth_caller_euid(sd_bus_message *call, uid_t *ret);

/*
 * auth_caller_euid(), asked of the bus once per connection: every other
 * call of the same caller is answered from @a, without the round trip to
 * the bus driver (a synchronous GetConnectionCredentials) that would hold
 * up every other caller meanwhile.
 */
int auth_caller_uid(struct auth *a, sd_bus_message *call, uid_t *ret);

/*
 * auth_check() with details polkit shows the administrator, as
 * CheckAuthorization's details: @details is a NULL-terminated list of
 * key, value, key, value... (NULL for none; at most AUTH_DETAILS_MAX
 * pairs, values valid UTF-8). A caller that leaves the bus while polkit
 * asks cancels its request: @fn never runs.
 */
int auth_check_details(struct auth *a, sd_bus_message *call,
		       const char *action, unsigned int flags,
		       const char *const *details, auth_continue_t fn,
		       void *userdata, void (*free_userdata)(void *),
		       sd_bus_error *error);

/* Drops the pending queries (at exit): their callers get no reply. */
void auth_done(struct auth *a);

#endif /* DAXMAPD_AUTH_H */
