"""A rough look at connect and propagation speed against a running bin/dev (not the benchmark).

    python3 src/test/python/propagation_smoke.py 200

Creates an integration, connects N customers with 8 concurrent clients, changes periodMs once, and
times how long until the update run says APPLIED (every Schedule carries the new version). There is
no baseline here: the benchmark with baselines is bin/bench (not written yet).
"""
import os
import json, time, urllib.request, sys, concurrent.futures as cf
B="http://localhost:8080/api/v1"; H={"Authorization":"Bearer "+os.environ.get("SYNCPLANE_API_TOKEN","dev-token"),"Content-Type":"application/json"}
def call(m,p,b=None,h={}):
    r=urllib.request.Request(B+p,data=None if b is None else json.dumps(b).encode(),method=m,headers={**H,**h})
    with urllib.request.urlopen(r) as x: return x.status, json.loads(x.read() or "null")
n=int(sys.argv[1]); iid="m%d-%d"%(n,int(time.time()))
call("POST","/integrations",{"id":iid,"provider":"hubspot","name":"m","periodMs":3600000})
t=time.time()
with cf.ThreadPoolExecutor(8) as ex: list(ex.map(lambda i: call("POST","/integrations/%s/connections"%iid,{"customerId":"c%d"%i}), range(n)))
print("connect %d: %.1f s (%.1f/s, 8 clients)"%(n,time.time()-t,n/(time.time()-t)))
t=time.time(); s,b=call("PATCH","/integrations/"+iid,{"periodMs":7200000},{"Content-Type":"application/merge-patch+json"}); acc=time.time()-t
u=b["update"]["id"]
while True:
    s,r=call("GET","/integrations/%s/updates/%s"%(iid,u))
    if r["state"]=="APPLIED": break
    time.sleep(0.05)
print("PATCH answered in %.3f s; all %d Schedules at v2 after %.2f s (%.0f Schedules/s)"%(acc,n,time.time()-t,n/(time.time()-t)))
