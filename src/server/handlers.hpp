// server/handlers.hpp: the handlers routes() lists, one file per group.
#pragma once

#include "server/api.hpp"

namespace dagda::server {

// system_routes.cpp
Reply healthz(const Config&, const Call&);
Reply readyz(const Config&, const Call&);
Reply get_metrics(const Config&, const Call&);
Reply get_openapi(const Config&, const Call&);
// vuln_routes.cpp
Reply vuln_cve(const Config&, const Call&);
Reply vuln_advisory(const Config&, const Call&);
Reply vuln_product(const Config&, const Call&);
Reply vuln_bid(const Config&, const Call&);
Reply vuln_exploit(const Config&, const Call&);
Reply vuln_init(const Config&, const Call&);
Reply vuln_init_status(const Config&, const Call&);
// check_routes.cpp
Reply check(const Config&, const Call&);
Reply check_image(const Config&, const Call&);
Reply check_container(const Config&, const Call&);
Reply get_job(const Config&, const Call&);
// history_routes.cpp
Reply history_all(const Config&, const Call&);
Reply history_image(const Config&, const Call&);
Reply history_post(const Config&, const Call&);
Reply history_diff(const Config&, const Call&);
Reply fp_list(const Config&, const Call&);
Reply fp_get(const Config&, const Call&);
Reply fp_patch(const Config&, const Call&);
Reply fp_delete(const Config&, const Call&);
// docker_routes.cpp
Reply docker_images(const Config&, const Call&);
Reply docker_containers(const Config&, const Call&);
Reply docker_events(const Config&, const Call&);
// monitor_routes.cpp
Reply monitor_start(const Config&, const Call&);
Reply monitor_stop(const Config&, const Call&);
Reply monitor_events(const Config&, const Call&);
Reply monitor_falco(const Config&, const Call&);

}  // namespace dagda::server
