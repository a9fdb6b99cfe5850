/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Manager's methods that change the system (provision.c), listed in
 * the Manager's vtable (manager.c), and the recovery they all start with.
 */
#ifndef DAXMAPD_PROVISION_H
#define DAXMAPD_PROVISION_H

#include <systemd/sd-bus.h>

#include <daxmap.h>

struct context;
struct worker_env;

/*
 * Finishes or rolls back creates a crash interrupted, and logs it: with
 * the loop's library context, or (_dm) in a worker job with env->dm.
 */
void provision_recover(struct context *c);
void provision_recover_dm(struct daxmap_ctx *dm);

/*
 * A fresh scan for a worker job (worker.h): on failure the reason and a
 * sentence for the caller, as the library's refusals come.
 */
int provision_scan(const struct worker_env *env, struct daxmap_topology **ret,
		   enum daxmap_reason *ret_reason, char **ret_message);

/* CreateNamespace(a{sv} options) -> (o namespace, s plan) */
int method_create_namespace(sd_bus_message *m, void *userdata,
			    sd_bus_error *error);
/* daxmap_destroy_namespace() or daxmap_destroy_device(). */
typedef int (*provision_destroy_fn)(struct daxmap_ctx *ctx, const char *which,
				    unsigned int flags, char **ret_name,
				    enum daxmap_reason *ret_reason,
				    char **ret_message);

/*
 * DestroyNamespace and DestroyDevice: (s which, a{sv} options with force)
 * -> (s destroyed), authorised for the polkit @action, shown to the
 * administrator as @what ("namespace", "device") and force.
 */
int provision_destroy(sd_bus_message *m, struct context *c,
		      const char *action, const char *what,
		      provision_destroy_fn destroy, sd_bus_error *error);

/* DestroyNamespace(s namespace, a{sv} options) -> (s destroyed) */
int method_destroy_namespace(sd_bus_message *m, void *userdata,
			     sd_bus_error *error);
/* ReconfigureDevice(s device, a{sv} options) -> () */
int method_reconfigure_device(sd_bus_message *m, void *userdata,
			      sd_bus_error *error);

#endif /* DAXMAPD_PROVISION_H */
