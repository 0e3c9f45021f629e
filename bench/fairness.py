#!/usr/bin/env python3
"""Fairness of call-event delivery under load, measured once on this machine.

Starts the Release build on a fresh SQLite file, with HANGING organizations whose receiver holds every request
until the sender's timeout, and one QUICK organization whose receiver answers at once. Strangers call every
organization's number (signed voice webhooks, each call rejected and its event raised) at a steady pace; the quick
receiver notes when each of its events arrives. Prints and writes bench/results/<time>-fairness.json with the quick
organization's delays (raise to arrival) and the machine's load. Loopback only; bounded in time.
    bench/fairness.py [--hanging 20] [--seconds 30] [--rate 20]
"""
import argparse, base64, hashlib, hmac, json, os, socket, subprocess, tempfile, threading, time, urllib.parse, urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AUTH = "bench-auth"
OPERATOR = "bench-operator"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver(BaseHTTPRequestHandler):
    hang = False
    arrivals = None  # call sid -> wall time of arrival

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.hang:
            time.sleep(60)  # longer than the sender waits: it gives up and closes the connection
            return
        self.arrivals[json.loads(body)["call"]["callSid"]] = time.time()
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def receiver(hang):
    arrivals = {}
    handler = type("R", (Receiver,), {"hang": hang, "arrivals": arrivals})
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/events", arrivals


def request(base, method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=30) as r:
        text = r.read()
        return json.loads(text) if text else None


def call(base, stranger, number):
    url = base + "/webhooks/twilio/voice"
    form = {"CallSid": f"CA{stranger:032x}", "AccountSid": "ACbench", "From": f"+1415555{stranger:04d}", "To": number,
            "CallStatus": "ringing", "Direction": "inbound", "ApiVersion": "2010-04-01"}
    signed = url + "".join(k + form[k] for k in sorted(form))
    signature = base64.b64encode(hmac.new(AUTH.encode(), signed.encode(), hashlib.sha1).digest()).decode()
    req = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), headers={"X-Twilio-Signature": signature})
    with urllib.request.urlopen(req, timeout=30) as r:
        r.read()


def organization(base, name, number, events_url):
    org = request(base, "POST", "/api/v1/organizations", {"name": name}, OPERATOR)["id"]
    key = request(base, "POST", f"/api/v1/organizations/{org}/api-keys", {"name": "admin", "role": "admin"}, OPERATOR)["key"]
    group = request(base, "POST", f"/api/v1/organizations/{org}/groups", {"name": "Field Team"}, key)["id"]
    request(base, "POST", f"/api/v1/organizations/{org}/numbers", {"number": number, "groupId": group}, key)
    request(base, "PUT", f"/api/v1/organizations/{org}/call-events", {"url": events_url}, key)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hanging", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rate", type=int, default=20, help="calls a second, all organizations together")
    args = parser.parse_args()

    subprocess.run(["dotnet", "build", "-c", "Release", "src/Switchboard", "-v", "quiet", "-nologo"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    work = tempfile.mkdtemp()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, Switchboard__OperatorToken=OPERATOR, Switchboard__Twilio__AuthToken=AUTH, Switchboard__Twilio__PublicBaseUrl=base,
               ConnectionStrings__Switchboard=f"Data Source={work}/switchboard.db", Switchboard__CallEvents__Timeout="00:00:05",
               Switchboard__RateLimits__Webhooks__PermitLimit="100000000", Logging__LogLevel__Default="Warning")
    app = subprocess.Popen(["dotnet", "src/Switchboard/bin/Release/net10.0/Switchboard.dll", "--urls", base], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        hanging_url, _ = receiver(hang=True)
        quick_url, arrivals = receiver(hang=False)
        numbers = [f"+1415556{1000 + i:04d}" for i in range(args.hanging)]
        for i, number in enumerate(numbers):
            organization(base, f"Hanging {i}", number, hanging_url)
        quick_number = "+14155569999"
        organization(base, "Quick", quick_number, quick_url)

        raised = {}  # call sid -> time the webhook answered (the event is raised by then)
        load_before = open("/proc/loadavg").read().split()[:3]
        stranger = 0
        started = time.time()
        with ThreadPoolExecutor(8) as pool:
            futures = []
            while time.time() - started < args.seconds:
                tick = time.time()
                for _ in range(args.rate):
                    stranger += 1
                    quick = stranger % 10 == 0  # one call in ten is the quick organization's
                    number = quick_number if quick else numbers[stranger % len(numbers)]

                    def place(s=stranger, n=number, q=quick):
                        call(base, s, n)
                        if q:
                            raised[f"CA{s:032x}"] = time.time()
                    futures.append(pool.submit(place))
                time.sleep(max(0, 1 - (time.time() - tick)))
            for f in futures:
                f.result()
        deadline = time.time() + 20
        while len(arrivals) < len(raised) and time.time() < deadline:
            time.sleep(0.1)
        load_after = open("/proc/loadavg").read().split()[:3]

        delays = sorted(arrivals[sid] - at for sid, at in raised.items() if sid in arrivals)
        pct = lambda p: round(delays[min(len(delays) - 1, int(p * len(delays)))], 3) if delays else None
        result = {
            "what": "call-event fairness: quick organization's delay from raise to arrival while others' receivers hang",
            "hangingOrganizations": args.hanging, "senderTimeoutSeconds": 5, "callsPerSecond": args.rate, "seconds": args.seconds,
            "quickEventsRaised": len(raised), "quickEventsArrived": len(arrivals),
            "delaySeconds": {"p50": pct(0.5), "p95": pct(0.95), "max": round(delays[-1], 3) if delays else None},
            "defaults": {"MaxConcurrentPerOrganization": 1, "MaxConcurrentOrganizations": 32, "PollInterval": "00:00:01"},
            "database": "Sqlite", "machine": {"cores": os.cpu_count(), "loadavgBefore": load_before, "loadavgAfter": load_after},
        }
        print(json.dumps(result, indent=2))
        out = os.path.join(ROOT, "bench", "results", time.strftime("%Y-%m-%dT%H%M%SZ", time.gmtime()) + "-fairness.json")
        with open(out, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
        print("written", out)
    finally:
        app.terminate()
        app.wait(timeout=30)


if __name__ == "__main__":
    main()
