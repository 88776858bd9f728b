// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfport - set and read 802.1Qbh port profiles (IFLA_VF_PORTS, IFLA_PORT_SELF)
 * over raw rtnetlink. Test tool of the VM rig (tests/vm); iproute2 has no syntax
 * for these attributes. Built statically by tests/vm/build into
 * build/vm-cache/bin/vfport, which is on PATH inside the guest.
 *
 *   vfport get DEV
 *       num_vf N
 *       port self request=R response=0xNNN(NAME) [profile=P profile_len=L]
 *                 [instance=UUID] [host=UUID]
 *       port vf=N ...                      (one line per VF that has state)
 *       vf_ports N                         (how many VF lines were printed)
 *   vfport set DEV VF|self REQUEST [profile NAME] [instance UUID] [host UUID]
 *                          [profile-len N] [no-request]
 *       REQUEST: associate | disassociate | preassociate | preassociate-rr | NUMBER
 *       profile-len N: send the profile attribute with N bytes (default 40,
 *                      PORT_PROFILE_MAX, NUL padded; enic requires exactly 40)
 *       no-request:    leave IFLA_PORT_REQUEST out (drivers must refuse that)
 *       prints "ok" on success.
 *
 * Exit status: 0 success, 1 usage or local error, 2 the kernel refused the
 * request (stderr: "vfport: kernel: EINVAL (Invalid argument)[: extack]").
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

#define REQ_SIZE 2048
static char req_buf[REQ_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));

static void usage(void)
{
	fprintf(stderr,
		"usage: vfport get DEV\n"
		"       vfport set DEV VF|self REQUEST [profile NAME] [instance UUID] [host UUID]\n"
		"                                      [profile-len N] [no-request]\n");
	exit(1);
}

static void die(const char *msg)
{
	fprintf(stderr, "vfport: %s\n", msg);
	exit(1);
}

static const char *errno_name(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENODATA: return "ENODATA";
	case ENODEV: return "ENODEV";
	case EPERM: return "EPERM";
	case ERANGE: return "ERANGE";
	case EMSGSIZE: return "EMSGSIZE";
	case ENOBUFS: return "ENOBUFS";
	case EBUSY: return "EBUSY";
	default: return "E?";
	}
}

static const char *response_name(unsigned int r)
{
	switch (r) {
	case PORT_VDP_RESPONSE_SUCCESS: return "vdp-success";
	case PORT_VDP_RESPONSE_INVALID_FORMAT: return "vdp-invalid-format";
	case PORT_VDP_RESPONSE_INSUFFICIENT_RESOURCES: return "vdp-insufficient-resources";
	case PORT_VDP_RESPONSE_UNUSED_VTID: return "vdp-unused-vtid";
	case PORT_VDP_RESPONSE_VTID_VIOLATION: return "vdp-vtid-violation";
	case PORT_VDP_RESPONSE_VTID_VERSION_VIOALTION: return "vdp-vtid-version-violation";
	case PORT_VDP_RESPONSE_OUT_OF_SYNC: return "vdp-out-of-sync";
	case PORT_PROFILE_RESPONSE_SUCCESS: return "success";
	case PORT_PROFILE_RESPONSE_INPROGRESS: return "inprogress";
	case PORT_PROFILE_RESPONSE_INVALID: return "invalid";
	case PORT_PROFILE_RESPONSE_BADSTATE: return "badstate";
	case PORT_PROFILE_RESPONSE_INSUFFICIENT_RESOURCES: return "insufficient-resources";
	case PORT_PROFILE_RESPONSE_ERROR: return "error";
	default: return "unknown";
	}
}

/* ---- building requests */

static struct nlmsghdr *req_init(int type, int flags, int ifindex)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)req_buf;
	struct ifinfomsg *ifi = NLMSG_DATA(nh);

	memset(req_buf, 0, sizeof(req_buf));
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	nh->nlmsg_type = type;
	nh->nlmsg_flags = flags;
	nh->nlmsg_seq = 1;
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nh;
}

static struct rtattr *attr_add(struct nlmsghdr *nh, int type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)(req_buf + NLMSG_ALIGN(nh->nlmsg_len));

	if (NLMSG_ALIGN(nh->nlmsg_len) + RTA_SPACE(len) > REQ_SIZE)
		die("request too large");
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static void nest_end(struct nlmsghdr *nh, struct rtattr *nest)
{
	nest->rta_len = req_buf + nh->nlmsg_len - (char *)nest;
}

static int parse_uuid(const char *s, unsigned char out[PORT_UUID_MAX])
{
	int n = 0;

	while (*s) {
		if (*s == '-') {
			s++;
			continue;
		}
		if (n == PORT_UUID_MAX || sscanf(s, "%2hhx", &out[n]) != 1 || !s[1])
			return -1;
		s += 2;
		n++;
	}
	return n == PORT_UUID_MAX ? 0 : -1;
}

static int parse_request(const char *s)
{
	char *end;
	long v;

	if (!strcmp(s, "associate"))
		return PORT_REQUEST_ASSOCIATE;
	if (!strcmp(s, "disassociate"))
		return PORT_REQUEST_DISASSOCIATE;
	if (!strcmp(s, "preassociate"))
		return PORT_REQUEST_PREASSOCIATE;
	if (!strcmp(s, "preassociate-rr"))
		return PORT_REQUEST_PREASSOCIATE_RR;
	v = strtol(s, &end, 0);
	if (*s && !*end && v >= 0 && v <= 255)
		return (int)v;
	die("REQUEST must be associate, disassociate, preassociate, preassociate-rr or 0..255");
	return -1;
}

/* ---- talking to the kernel */

static int nl_open(void)
{
	int one = 1;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0) {
		perror("vfport: socket");
		exit(1);
	}
	/* extended ACK is optional: ignore failure */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

/* Receive one datagram, sized with MSG_PEEK|MSG_TRUNC: with many VFs a single
 * RTM_NEWLINK is far larger than any fixed buffer. */
static char *nl_recv(int fd, int *len)
{
	char *buf;
	int n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);

	if (n < 0) {
		perror("vfport: recv");
		exit(1);
	}
	buf = malloc(n ? n : 1);
	if (!buf)
		die("out of memory");
	*len = recv(fd, buf, n, 0);
	if (*len < 0) {
		perror("vfport: recv");
		exit(1);
	}
	return buf;
}

static void nl_send(int fd, struct nlmsghdr *nh)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(fd, nh, nh->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("vfport: sendto");
		exit(1);
	}
}

/* Print a kernel error (with the extack message when there is one), exit 2. */
static void nl_error(struct nlmsghdr *h)
{
	struct nlmsgerr *e = NLMSG_DATA(h);
	const char *msg = NULL;
	int err = -e->error;

	if (h->nlmsg_flags & NLM_F_ACK_TLVS) {
		size_t off = sizeof(*e);
		struct rtattr *a;
		int rem;

		if (!(h->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		a = (struct rtattr *)((char *)e + NLMSG_ALIGN(off));
		rem = (int)h->nlmsg_len - (int)((char *)a - (char *)h);
		for (; RTA_OK(a, rem); a = RTA_NEXT(a, rem))
			if (a->rta_type == NLMSGERR_ATTR_MSG)
				msg = RTA_DATA(a);
	}
	fprintf(stderr, "vfport: kernel: %s (%s)%s%s\n", errno_name(err), strerror(err),
		msg ? ": " : "", msg ? msg : "");
	exit(2);
}

/* ---- printing */

static void print_uuid(const char *key, const unsigned char *u, int len)
{
	printf(" %s=", key);
	for (int i = 0; i < len; i++)
		printf("%02x%s", u[i], (i == 3 || i == 5 || i == 7 || i == 9) && i < len - 1 ? "-" : "");
	if (len != PORT_UUID_MAX)
		printf(" %s_len=%d", key, len);
}

static void print_port(const char *prefix, struct rtattr *port)
{
	int rem = RTA_PAYLOAD(port);
	struct rtattr *a;

	printf("port%s", prefix);
	for (a = RTA_DATA(port); RTA_OK(a, rem); a = RTA_NEXT(a, rem)) {
		const unsigned char *d = RTA_DATA(a);
		int len = RTA_PAYLOAD(a);
		uint32_t u32;
		uint16_t u16;

		switch (a->rta_type) {
		case IFLA_PORT_VF:
			memcpy(&u32, d, sizeof(u32));
			printf(" vf=%u", u32);
			break;
		case IFLA_PORT_REQUEST:	/* u8 in the uapi policy, u16 from enic */
			printf(" request=%u", d[0]);
			break;
		case IFLA_PORT_RESPONSE:
			memcpy(&u16, d, sizeof(u16));
			printf(" response=0x%x(%s)", u16, response_name(u16));
			break;
		case IFLA_PORT_PROFILE:
			printf(" profile=%.*s profile_len=%d", (int)strnlen((const char *)d, len),
			       (const char *)d, len);
			break;
		case IFLA_PORT_INSTANCE_UUID:
			print_uuid("instance", d, len);
			break;
		case IFLA_PORT_HOST_UUID:
			print_uuid("host", d, len);
			break;
		default:
			printf(" attr%d_len=%d", a->rta_type, len);
		}
	}
	printf("\n");
}

static int cmd_get(int ifindex)
{
	struct nlmsghdr *nh = req_init(RTM_GETLINK, NLM_F_REQUEST, ifindex);
	uint32_t mask = RTEXT_FILTER_VF;
	int fd = nl_open(), len, num_vf = -1, vf_ports = 0;
	struct nlmsghdr *h;
	char *buf;

	attr_add(nh, IFLA_EXT_MASK, &mask, sizeof(mask));
	nl_send(fd, nh);

	buf = nl_recv(fd, &len);
	for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned int)len); h = NLMSG_NEXT(h, len)) {
		struct rtattr *a;
		int rem;

		if (h->nlmsg_type == NLMSG_ERROR)
			nl_error(h);
		if (h->nlmsg_type != RTM_NEWLINK)
			continue;
		rem = IFLA_PAYLOAD(h);
		for (a = IFLA_RTA((struct ifinfomsg *)NLMSG_DATA(h)); RTA_OK(a, rem);
		     a = RTA_NEXT(a, rem)) {
			if (a->rta_type == IFLA_NUM_VF) {
				memcpy(&num_vf, RTA_DATA(a), sizeof(uint32_t));
				printf("num_vf %d\n", num_vf);
			} else if (a->rta_type == IFLA_PORT_SELF) {
				print_port(" self", a);
			} else if (a->rta_type == IFLA_VF_PORTS) {
				int r2 = RTA_PAYLOAD(a);
				struct rtattr *p;

				for (p = RTA_DATA(a); RTA_OK(p, r2); p = RTA_NEXT(p, r2)) {
					print_port("", p);
					vf_ports++;
				}
			}
		}
		printf("vf_ports %d\n", vf_ports);
		return 0;
	}
	die("no RTM_NEWLINK in the kernel's answer");
	return 1;
}

static int cmd_set(int ifindex, int argc, char **argv)
{
	struct nlmsghdr *nh = req_init(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, ifindex);
	struct rtattr *ports = NULL, *port;
	unsigned char uuid[PORT_UUID_MAX];
	const char *profile = NULL;
	int self = !strcmp(argv[0], "self");
	int send_request = 1, profile_len = PORT_PROFILE_MAX, fd, len;
	unsigned char request = (unsigned char)parse_request(argv[1]);
	struct nlmsghdr *h;
	char *buf, *end;
	uint32_t vf = 0;

	if (!self) {
		unsigned long v = strtoul(argv[0], &end, 0);

		if (!*argv[0] || *end || v > UINT32_MAX)
			die("VF must be a number or \"self\"");
		vf = (uint32_t)v;
	}
	if (self) {
		port = attr_add(nh, IFLA_PORT_SELF, NULL, 0);
	} else {
		ports = attr_add(nh, IFLA_VF_PORTS, NULL, 0);
		port = attr_add(nh, IFLA_VF_PORT, NULL, 0);
		attr_add(nh, IFLA_PORT_VF, &vf, sizeof(vf));
	}
	for (int i = 2; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(k, "no-request")) {
			send_request = 0;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (!strcmp(k, "profile")) {
			profile = v;
		} else if (!strcmp(k, "profile-len")) {
			profile_len = atoi(v);
			if (profile_len < 0 || profile_len > 256)
				die("profile-len must be 0..256");
		} else if (!strcmp(k, "instance") || !strcmp(k, "host")) {
			if (parse_uuid(v, uuid))
				die("a UUID is 32 hex digits, dashes allowed");
			attr_add(nh, k[0] == 'i' ? IFLA_PORT_INSTANCE_UUID : IFLA_PORT_HOST_UUID,
				 uuid, sizeof(uuid));
		} else {
			usage();
		}
	}
	if (send_request)
		attr_add(nh, IFLA_PORT_REQUEST, &request, sizeof(request));
	if (profile) {
		char name[256] = { 0 };

		if (strlen(profile) >= sizeof(name))
			die("profile too long");
		strcpy(name, profile);
		attr_add(nh, IFLA_PORT_PROFILE, name, profile_len);
	}
	nest_end(nh, port);
	if (ports)
		nest_end(nh, ports);

	fd = nl_open();
	nl_send(fd, nh);
	buf = nl_recv(fd, &len);
	for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned int)len); h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_type != NLMSG_ERROR)
			continue;
		if (((struct nlmsgerr *)NLMSG_DATA(h))->error)
			nl_error(h);
		printf("ok\n");
		return 0;
	}
	die("no acknowledgement from the kernel");
	return 1;
}

int main(int argc, char **argv)
{
	unsigned int ifindex;

	if (argc < 3)
		usage();
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex) {
		fprintf(stderr, "vfport: no network device %s\n", argv[2]);
		return 1;
	}
	if (!strcmp(argv[1], "get") && argc == 3)
		return cmd_get((int)ifindex);
	if (!strcmp(argv[1], "set") && argc >= 5)
		return cmd_set((int)ifindex, argc - 3, argv + 3);
	usage();
	return 1;
}
