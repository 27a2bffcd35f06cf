# Generates random Service (multi-key ports, finalizers) cases: python3 fuzz-service.py OUTDIR SEED COUNT; then record.sh.
import random, os, sys
sys.argv_saved=sys.argv
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fuzz.py')).read().split('for i in range(int(sys.argv[3])):')[0])
random.seed(int(sys.argv[2])*7919)
def wild_ports(r):
    items=[]
    for _ in range(random.randint(0,4)):
        e={}
        if random.random()<0.85: e['port']=random.choice([53,80,443])
        if random.random()<0.5: e['protocol']=random.choice(['TCP','UDP'])
        if random.random()<0.5: e['name']=random.choice(['x','y','z'])
        if random.random()<0.3: e['targetPort']=random.choice([1,2])
        if r=='p' and random.random()<0.15: e['$patch']=random.choice(['delete','replace'])
        if random.random()<0.05: e={}
        items.append(e)
    if random.random()<0.05: items.append(None)
    if r=='p' and random.random()<0.1: items.insert(random.randint(0,len(items)),{'$patch':random.choice(['replace','delete','merge'])})
    return items
def service(r):
    s={}
    k=random.random()
    if k<0.8: s['ports']=wild_ports(r)
    elif k<0.9 and r=='p': s['ports']=None
    if random.random()<0.4: s['selector']={'app':random.choice(['a','b'])} if random.random()<0.8 else None
    return s
def meta(r):
    m={'name':'s'}
    if random.random()<0.5:
        m['finalizers']=[random.choice(['f1','f2','f3']) for _ in range(random.randint(0,3))]
    if random.random()<0.3: m['labels']={random.choice(['a','b']):random.choice(['1','2'])}
    return m
for i in range(int(sys.argv[3])):
    d=os.path.join(out,f'fuzzsvc-{sys.argv[2]}-{i}')
    os.makedirs(d, exist_ok=True)
    for role,fn in (('r','r.yaml'),('p','p.yaml')):
        doc={'apiVersion':'v1','kind':'Service','metadata':meta(role),'spec':service(role)}
        open(os.path.join(d,fn),'w').write(dump(doc)[1:])
    open(os.path.join(d,'kustomization.yaml'),'w').write('resources:\n- r.yaml\npatches:\n- path: p.yaml\n')
