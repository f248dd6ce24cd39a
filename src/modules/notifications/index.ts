// Public face of the notifications module: the outbox of SMS and e-mail messages to people.
export {
  queueNotification,
  queueNotifications,
  notificationsOf,
  notificationsByKeyPrefix,
  type Channel,
  type Recipient,
  type NotificationRequest,
  type NotificationView,
} from './outbox.ts';
export { registerTemplates, type Template } from './templates.ts';
export {
  deliverNotifications,
  fileSender,
  useNotificationSender,
  type NotificationSender,
  type OutgoingMessage,
} from './delivery.ts';
export { registerNotificationJobs, DELIVER_NOTIFICATIONS } from './jobs.ts';
