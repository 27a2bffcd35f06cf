# Generates random Deployment strategic-merge cases: python3 fuzz.py OUTDIR SEED COUNT, then record.sh records kubectl's output.
import random, os, sys
random.seed(int(sys.argv[2]))
out=sys.argv[1]
names=['a','b','c']
def env(r):
    items=[]
    for n in random.sample(['X','Y','Z'], random.randint(0,3)):
        e={'name':n}
        k=random.random()
        if k<0.5: e['value']=random.choice(['1','2'])
        elif k<0.7: e['valueFrom']={'fieldRef':{'fieldPath':'metadata.name'}}
        elif k<0.8 and r=='p': e['$patch']='delete'
        elif k<0.9 and r=='p': e['value']=None
        items.append(e)
    if r=='p' and random.random()<0.1: items.insert(0,{'$patch':random.choice(['replace','delete','merge'])})
    return items
def ports(r):
    items=[]
    for p in random.sample([80,443,53], random.randint(0,3)):
        e={'containerPort':p}
        if random.random()<0.5: e['protocol']=random.choice(['TCP','UDP'])
        if random.random()<0.5: e['name']=random.choice(['x','y'])
        if r=='p' and random.random()<0.15: e['$patch']='delete'
        items.append(e)
    return items
def container(n,r):
    c={'name':n}
    if random.random()<0.6: c['image']=n+random.choice(['1','2'])
    if random.random()<0.5: c['env']=env(r)
    if random.random()<0.4: c['ports']=ports(r)
    if random.random()<0.3: c['args']=random.sample(['p','q','r'],2)
    if r=='p' and random.random()<0.1: c['$patch']=random.choice(['delete','replace'])
    if r=='p' and random.random()<0.1: c['resources']={'$patch':'replace','limits':{'cpu':'1'}}
    elif random.random()<0.3: c['resources']={'limits':{'cpu':random.choice(['1','2'])},'requests':{'memory':'1Gi'}}
    return c
def spec(r):
    s={}
    cs=[container(n,r) for n in random.sample(names, random.randint(0 if r=='p' else 1,3))]
    if cs or r=='r': s['containers']=cs
    if random.random()<0.4: s['volumes']=[{'name':v, random.choice(['emptyDir','configMap']): ({} if random.random()<0.5 else {'name':'cm'})} for v in random.sample(['v1','v2'], random.randint(1,2))]
    if random.random()<0.3: s['tolerations']=[{'key':random.choice(['k1','k2'])}]
    if r=='p' and random.random()<0.1: s['initContainers']=[{'name':'i','$patch':'delete'}]
    if r=='p' and random.random()<0.1: s['nodeSelector']=None
    elif random.random()<0.3: s['nodeSelector']={random.choice(['a','b']):'x'}
    return s
def dump(v, ind=0):
    sp='  '*ind
    if isinstance(v, dict):
        if not v: return ' {}\n'
        s='\n'
        for k,x in v.items():
            s+=f'{sp}{k}:'+dump(x, ind+1)
        return s
    if isinstance(v, list):
        if not v: return ' []\n'
        s='\n'
        for x in v:
            if isinstance(x, dict) and x:
                body=dump(x, ind+1)
                lines=body[1:].split('\n')
                s+=f'{sp}- '+lines[0].lstrip()+'\n'+''.join(l+'\n' for l in lines[1:] if l)
            else:
                s+=f'{sp}-'+dump(x, ind+1)
        return s
    if v is None: return ' null\n'
    if isinstance(v,int): return f' {v}\n'
    return f' "{v}"\n'
for i in range(int(sys.argv[3])):
    d=os.path.join(out,f'fuzz-{sys.argv[2]}-{i}')
    os.makedirs(d, exist_ok=True)
    for role,fn in (('r','r.yaml'),('p','p.yaml')):
        doc={'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},'spec':{'template':{'spec':spec(role)}}}
        open(os.path.join(d,fn),'w').write(dump(doc)[1:])
    open(os.path.join(d,'kustomization.yaml'),'w').write('resources:\n- r.yaml\npatches:\n- path: p.yaml\n')
