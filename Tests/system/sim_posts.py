"""What the registry simulator recorded (its requests.jsonl), for Tests/system/run.sh inside the container.
   sim_posts.py DIR count              the number of POSTs
   sim_posts.py DIR resent             exit 0 when the last POST's Idempotency-Key was sent again and answered as
                                       a duplicate (the same key, the same bytes), else 1
   sim_posts.py DIR mtls               exit 0 when every POST came with the test client certificate"""
import json
import sys

posts = []
with open(sys.argv[1] + "/requests.jsonl", encoding="utf-8") as f:
    posts = [e for e in map(json.loads, f) if e["method"] == "POST"]
what = sys.argv[2]
if what == "count":
    print(len(posts))
elif what == "resent":
    first = next((p for p in posts if p["idempotency_key"] == posts[-1]["idempotency_key"]), None)
    again = [p for p in posts if first and p["idempotency_key"] == first["idempotency_key"]]
    sys.exit(0 if len(again) >= 2 and again[-1]["duplicate"] and again[-1]["sha256"] == again[0]["sha256"] else 1)
elif what == "mtls":
    sys.exit(0 if posts and all(p["client_cert_cn"] == "cpard-test-client" for p in posts) else 1)
else:
    sys.exit(2)
