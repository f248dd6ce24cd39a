// ICBC response codes (README.md §4) and the mapping of every centre error to one of them.
// 1xxx: the centre refused the transaction (final, nothing happened at the centre);
// 8xxx: the adapter's own access to the centre is broken (configuration; nothing happened);
// 9xxx: the bank's message or file was refused by the adapter (9001–9005, never forwarded), or the
//       outcome at the centre is unknown (98xx: resend the same serial or query).
import type { NativeCodeTable } from '../centre-codes.ts';

export const ICBC_CODES = {
  '0000': '交易成功',
  '1001': '卡号不存在',
  '1002': '卡片状态不允许圈存',
  '1003': '该卡有未完成的圈存',
  '1004': 'MAC1校验失败',
  '1005': '圈存金额超限',
  '1006': 'TAC校验失败，待人工核查',
  '1007': '该圈存已冲正',
  '1008': '该圈存已确认，不能冲正',
  '1009': '卡片已圈存成功，不能冲正',
  '1010': '圈存记录不存在',
  '1011': '无权操作该圈存',
  '1012': '流水号重复且报文不一致',
  '1099': '中心拒绝交易',
  '8001': '中心报文校验失败',
  '8002': '中心认证失败',
  '8003': '时间戳超出允许范围',
  '8004': '中心接口调用错误',
  '8005': '中心繁忙，请稍后重试',
  '9001': '报文长度错误',
  '9002': '交易码不支持',
  '9003': '字段格式错误',
  '9004': '报文编码错误',
  '9005': '对账文件格式错误',
  '9801': '中心系统异常，结果未知',
  '9802': '中心通讯失败，结果未知',
  '9803': '中心应答无法识别，结果未知',
} as const;

export type IcbcCode = keyof typeof ICBC_CODES;

export const CENTRE_TO_ICBC: NativeCodeTable<IcbcCode> = {
  table: {
    'card-not-found': '1001',
    'card-not-loadable': '1002',
    'load-in-flight': '1003',
    'mac1-invalid': '1004',
    'amount-out-of-range': '1005',
    'tac-invalid': '1006',
    'load-reversed': '1007',
    'load-confirmed': '1008',
    'card-credited': '1009',
    'load-not-found': '1010',
    forbidden: '1011',
    'idempotency-conflict': '1012',
    'invalid-request': '8001',
    'bad-signature': '8002',
    'unknown-client': '8002',
    unauthenticated: '8002',
    'stale-timestamp': '8003',
    'idempotency-key-required': '8004',
    'unsupported-media-type': '8004',
    'payload-too-large': '8004',
    'not-found': '8004',
    'rate-limited': '8005',
    internal: '9801',
    unavailable: '9801',
    'network-error': '9802',
    'bad-response': '9803',
  },
  otherRefusal: '1099',
  otherFailure: '9801',
};
